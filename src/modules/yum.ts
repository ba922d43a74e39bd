/** ansible.builtin.yum: the dnf module's logic with the yum tool (EL7 hosts; EL8+ yum is dnf). */
import { rpmModule } from './pkg/rpmmodule.js';

export const yum = rpmModule('yum');
