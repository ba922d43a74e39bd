/** Where `src:` of copy/template is found on the workstation: the loader's search (src/load/files.ts). */
export { findFile } from '../load/files.js';
