import type { Admin } from 'kafkajs';
import { awaitTopicLeaders, KafkaTopicNotVisibleError } from '../../../../src/binder/kafka/topicLeaders';

/** An admin whose metadata answers come from `answers`, one per request (the last repeats). */
function adminAnswering(answers: Array<() => number[]>): { admin: Admin; requests: () => number } {
  let requests = 0;
  const admin = {
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      const leaders = answers[Math.min(requests++, answers.length - 1)]();
      return { topics: [{ name: topics[0], partitions: leaders.map((leader, partitionId) => ({ partitionId, leader, partitionErrorCode: 0, replicas: [], isr: [] })) }] };
    },
  } as unknown as Admin;
  return { admin, requests: () => requests };
}

function notHosted(): never {
  throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
}

const wait = { brokers: ['127.0.0.1:9092'], timeoutMs: 300, pollMs: 10 };

describe('awaitTopicLeaders', () => {
  it('waits through "not hosted" and leaderless answers until every partition has a leader', async () => {
    const { admin, requests } = adminAnswering([notHosted, () => [0, -1], () => [0, 0]]);
    await awaitTopicLeaders(admin, 'orders', wait);
    expect(requests()).toBe(3);
  });

  it('fails naming the topic and the brokers when the topic never becomes visible', async () => {
    const { admin } = adminAnswering([notHosted]);
    const failure = await awaitTopicLeaders(admin, 'orders', wait).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KafkaTopicNotVisibleError);
    expect((failure as Error).message).toContain("Topic 'orders'");
    expect((failure as Error).message).toContain('127.0.0.1:9092');
    expect((failure as Error).message).toContain('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('passes on other metadata errors at once', async () => {
    const denied = Object.assign(new Error('denied'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const { admin, requests } = adminAnswering([() => { throw denied; }]);
    await expect(awaitTopicLeaders(admin, 'orders', wait)).rejects.toBe(denied);
    expect(requests()).toBe(1);
  });
});
