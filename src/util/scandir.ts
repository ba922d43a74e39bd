/** A folder's names in the order the file system gives them (os.scandir's, which Python's glob uses); fs.readdirSync sorts them. */
import fs from 'node:fs';

export function scandir(dir: string): string[] {
  const names: string[] = [];
  const d = fs.opendirSync(dir);
  try {
    for (let e = d.readSync(); e; e = d.readSync()) names.push(e.name);
  } finally {
    d.closeSync();
  }
  return names;
}
