import type { ChainableCommander } from 'ioredis';

/**
 * Runs a pipeline and returns its replies in order, throwing the first command error (ioredis
 * otherwise hands back `[error, reply]` pairs that are easy to ignore by mistake).
 */
export async function execPipeline(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];

  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
