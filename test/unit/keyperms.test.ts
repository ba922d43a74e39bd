/** Private key files that group or others can read are refused, as OpenSSH refuses them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { prepareAuth } from '../../src/transport/keys.js';
import { tempDir } from '../helpers/local.js';

test('an explicit key file readable by others is ignored with an UNPROTECTED note; chmod 600 makes it usable', async () => {
  const dir = tempDir('kbs-keyperms-');
  const key = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  chmodSync(key, 0o640);
  let plan = await prepareAuth({ user: 'root', keyFiles: [key] });
  assert.ok(plan.empty, 'nothing to offer');
  assert.match(plan.notes.join('\n'), /UNPROTECTED PRIVATE KEY FILE: permissions 0640 for '.*id_ed25519' are too open; the key is ignored \(chmod 600 /);
  chmodSync(key, 0o600);
  plan = await prepareAuth({ user: 'root', keyFiles: [key] });
  assert.equal(plan.empty, false);
  assert.deepEqual(plan.notes, []);
});
