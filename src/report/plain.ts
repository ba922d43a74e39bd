/**
 * Plain line output (not a TTY, CI logs): Ansible-like text, one line per host result, printed as
 * each host finishes; a task that runs long gets a line naming the hosts still working.
 */
import type { EngineEvent } from '../engine/events.js';
import { banner, taskBanner, customStatsLines, resultDiffText, hostLine, includedLine, interruptedLines, itemLine, progressLine, recapLines, retryLine } from './format.js';

export function plainView(write: (s: string) => void, opts: { verbosity: number; diff: boolean; showCustomStats?: boolean }) {
  return (e: EngineEvent): void => {
    switch (e.type) {
      case 'play_start':
        write(`\n${banner(`PLAY [${e.play}]`)}\n`);
        break;
      case 'task_start':
        write(`\n${taskBanner(e)}\n`);
        break;
      case 'batch_start':
        // as Ansible: the play's banner again for each batch of a serial play after the first
        if (e.index > 1) write(`\n${banner(`PLAY [${e.play}]`)}\n`);
        break;
      case 'meta': {
        // as Ansible's linear strategy: the task's banner once for each host it ran for, and a
        // host whose `when` was false skipping
        const title = taskBanner(e);
        for (const h of e.hosts) write(`\n${title}\n${e.skipped.includes(h) ? `skipping: [${h}]\n` : ''}`);
        break;
      }
      case 'host_result': {
        // (a loop's diffs came with its items)
        if ((opts.diff || e.diff) && !e.noLog && !Array.isArray(e.result.results)) {
          const d = resultDiffText(e.result);
          if (d) write(d);
        }
        if (e.result.results && Array.isArray(e.result.results) && e.status !== 'unreachable') {
          // items were printed one by one; as Ansible's callback, a failed loop adds no line of its
          // own, an ignored one `...ignoring`
          if (e.status === 'ignored') write('...ignoring\n');
          break;
        }
        write(hostLine(e, opts.verbosity) + '\n');
        break;
      }
      case 'item_result':
        if ((opts.diff || e.diff) && !e.noLog) write(resultDiffText(e.result));
        write(itemLine(e, opts.verbosity) + '\n');
        break;
      case 'task_progress':
        write(progressLine(e) + '\n');
        break;
      case 'retry':
        write(retryLine(e) + '\n');
        break;
      case 'included':
        write(includedLine(e) + '\n');
        break;
      case 'warning':
        write(`${e.deprecation ? '[DEPRECATION WARNING]' : '[WARNING]'}: ${e.host ? `[${e.host}] ` : ''}${e.msg}\n`);
        break;
      case 'interrupted':
        write('\n' + interruptedLines(e).join('\n') + '\n');
        break;
      case 'recap':
        write('\n' + recapLines(e.stats).join('\n') + '\n');
        if (opts.showCustomStats && e.custom) write(customStatsLines(e.custom).join('\n') + '\n');
        break;
      default:
        break;
    }
  };
}
