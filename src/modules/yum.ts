/** ansible.builtin.yum: the dnf module's logic with the yum tool (EL7 hosts; EL8+ yum is dnf). */
import { STR } from './util/schema.js';
import { rpmModule } from './pkg/rpmmodule.js';

export const yum = rpmModule('yum', { use_backend: { type: 'string', enum: ['auto', 'yum', 'yum4', 'dnf'] }, download_dir: STR });
