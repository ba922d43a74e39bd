/** ansible.builtin.dnf (arguments, plan and run in pkg/rpmmodule.ts; tested by unit tests, the fleet is Debian). */
import { rpmModule } from './pkg/rpmmodule.js';

export const dnf = rpmModule('dnf');
