/** Python's float for the templater: the PyFloat box lives in util/ (YAML loading makes them too). */
export * from '../util/pyfloat.js';
