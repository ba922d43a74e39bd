/** ansible.builtin.dnf (command construction in pkg/rpm.ts; tested by unit tests, the fleet is Debian). */
import { BOOL } from './util/schema.js';
import { rpmModule } from './pkg/rpmmodule.js';

export const dnf = rpmModule('dnf', { nobest: BOOL, allowerasing: BOOL, use_backend: { type: 'string', enum: ['auto', 'dnf4', 'dnf5'] } });
