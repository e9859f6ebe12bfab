// Imported for their side effect: they install the convenience methods on Signal and Dataset.
import './signal.js';
import './dataset.js';
