/**
 * A vitest reporter that ends the run with the list of skipped tests and why, so a
 * local `npm test` says which suites did not run (no Python venv, no PostgreSQL, …)
 * instead of only "N skipped". The reason is the test's skip note (`ctx.skip(note)`)
 * or its name: suites that skip carry the reason in their title by convention
 * (SKIP_PYTHON_REASON, SKIP_POSTGRES_REASON).
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export default class SkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    let total = 0;
    for (const module of testModules) {
      const reasons = new Map<string, number>();
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped') continue;
        total++;
        const why = result.note ?? test.fullName;
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
      }
      if (reasons.size === 0) continue;
      lines.push(`  ${relative(process.cwd(), module.moduleId)}`);
      const shown = [...reasons].slice(0, 4);
      for (const [why, count] of shown) lines.push(`    - ${why}${count > 1 ? ` (×${count})` : ''}`);
      if (reasons.size > shown.length) lines.push(`    - … and ${reasons.size - shown.length} more`);
    }
    if (total > 0) console.log(`\nSkipped tests (${total}) and why:\n${lines.join('\n')}\n`);
  }
}
