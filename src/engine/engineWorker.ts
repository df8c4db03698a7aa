import { parentPort } from 'node:worker_threads';
import { MatchEngine } from './MatchEngine.js';
import type { SubjectLists } from './SubjectLists.js';
import type { EngineRequest, EngineReply } from './WorkerEngine.js';

/**
 * The engine's thread: onnxruntime's session.run blocks the thread it runs on, so
 * it runs here and the main thread keeps reading and writing the database.
 */
let engine: MatchEngine | null = null;
const port = parentPort!;

const buffers = (l: SubjectLists) => [l.subjectIds, l.offsets, l.candidateIds, l.means, l.cents, l.runIds, l.computedAt].map((a) => a.buffer as ArrayBuffer);

port.on('message', async (req: EngineRequest) => {
  try {
    let reply: EngineReply;
    if (req.type === 'create') {
      engine = await MatchEngine.create(req.settings);
      reply = { id: req.id, type: 'ok' };
    } else if (req.type === 'jobs') {
      engine!.setJobs(req.jobs);
      reply = { id: req.id, type: 'ok' };
    } else if (req.type === 'seed') {
      engine!.seedJobLists(req.lists);
      reply = { id: req.id, type: 'ok' };
    } else if (req.type === 'block') {
      const out = await engine!.processBlock(req.talents);
      port.postMessage({ id: req.id, type: 'block', out } satisfies EngineReply, [...buffers(out.t2j), ...buffers(out.j2tDiff)]);
      return;
    } else {
      await engine?.close();
      engine = null;
      reply = { id: req.id, type: 'ok' };
    }
    port.postMessage(reply);
  } catch (e) {
    port.postMessage({ id: req.id, type: 'error', message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack } satisfies EngineReply);
  }
});
