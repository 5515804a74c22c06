/**
 * Kafka's StickyAssignor semantics: the assignment is balanced (no partition could move to a member
 * with at least two fewer partitions that subscribes to its topic — with equal subscriptions, counts
 * differ by at most one) and, within that, as many partitions as possible stay with their previous owner.
 *
 * A member's previous assignment comes from its subscription's ownedPartitions (consumer protocol v1+),
 * or else from userData in the StickyAssignor layout (see stickyUserData.ts). When two members claim
 * the same partition, the claim from the newer generation wins; claims from the same generation are
 * both dropped and the partition is assigned afresh.
 */
import {
  cmp,
  emptyAssignment,
  normalize,
  sortMembers,
  type AssignorMember,
  type GroupAssignment,
  type PartitionAssignor,
} from './Assignor';
import { decodeStickyUserData } from './stickyUserData';

type Partition = string; // "topic\u0000partition", sortable and hashable

const key = (topic: string, partition: number): Partition => `${topic}\u0000${partition}`;
const split = (p: Partition): [string, number] => {
  const i = p.lastIndexOf('\u0000');
  return [p.slice(0, i), Number(p.slice(i + 1))];
};

interface PreviousOwnership {
  partitions: Partition[];
  generation: number;
}

function previousOwnership(member: AssignorMember): PreviousOwnership {
  const sub = member.subscription;
  if (sub.ownedPartitions && sub.ownedPartitions.length > 0) {
    return {
      partitions: sub.ownedPartitions.flatMap((tp) => tp.partitions.map((p) => key(tp.topic, p))),
      generation: sub.generationId ?? -1,
    };
  }
  if (sub.userData && sub.userData.length > 0) {
    const decoded = decodeStickyUserData(sub.userData);
    if (decoded) {
      return {
        partitions: decoded.partitions.flatMap((tp) => tp.partitions.map((p) => key(tp.topic, p))),
        generation: decoded.generation,
      };
    }
  }
  return { partitions: [], generation: -1 };
}

export class StickyAssignor implements PartitionAssignor {
  readonly name = 'sticky' as const;

  assign(members: AssignorMember[], partitionsPerTopic: Map<string, number>): GroupAssignment {
    const sorted = sortMembers(members);
    const subscribed = new Map<string, Set<string>>(sorted.map((m) => [m.memberId, new Set(m.subscription.topics)]));
    const exists = (topic: string, partition: number): boolean =>
      Number.isInteger(partition) && partition >= 0 && partition < (partitionsPerTopic.get(topic) ?? 0);

    // 1. Keep every still-valid previous claim. Of two claims the newer generation wins; two claims
    //    from the same generation cancel out (one of them is stale, and nobody can tell which).
    const owner = new Map<Partition, { memberId: string | null; generation: number }>();
    for (const m of sorted) {
      const prev = previousOwnership(m);
      for (const p of prev.partitions) {
        const [topic, partition] = split(p);
        if (!exists(topic, partition) || !subscribed.get(m.memberId)!.has(topic)) continue;
        const current = owner.get(p);
        if (!current || prev.generation > current.generation) owner.set(p, { memberId: m.memberId, generation: prev.generation });
        else if (prev.generation === current.generation && current.memberId !== m.memberId) current.memberId = null;
      }
    }
    for (const [p, o] of owner) if (o.memberId === null) owner.delete(p);
    const held = new Map<string, Set<Partition>>(sorted.map((m) => [m.memberId, new Set<Partition>()]));
    for (const [p, o] of owner) held.get(o.memberId!)!.add(p);

    // 2. Hand out the rest, partitions with the fewest candidates first, each to the least-loaded candidate.
    const candidates = new Map<string, string[]>();
    for (const m of sorted) {
      for (const t of m.subscription.topics) {
        if (!candidates.has(t)) candidates.set(t, []);
        if (!candidates.get(t)!.includes(m.memberId)) candidates.get(t)!.push(m.memberId);
      }
    }
    const unassigned: Partition[] = [];
    for (const [topic, ids] of candidates) {
      if (ids.length === 0) continue;
      for (let p = 0; p < (partitionsPerTopic.get(topic) ?? 0); p++) if (!owner.has(key(topic, p))) unassigned.push(key(topic, p));
    }
    unassigned.sort((a, b) => candidates.get(split(a)[0])!.length - candidates.get(split(b)[0])!.length || cmp(a, b));
    const order = new Map(sorted.map((m, i) => [m.memberId, i]));
    const leastLoaded = (ids: string[]): string =>
      ids.reduce((best, id) => {
        const d = held.get(id)!.size - held.get(best)!.size;
        return d < 0 || (d === 0 && order.get(id)! < order.get(best)!) ? id : best;
      });
    for (const p of unassigned) held.get(leastLoaded(candidates.get(split(p)[0])!))!.add(p);

    // 3. Balance: move partitions from members with at least two more to a subscribed, lighter member.
    //    Each move lowers the sum of squared counts, so this ends; the bound only guards against bugs.
    const maxMoves = (owner.size + unassigned.length + 1) * (sorted.length + 1);
    for (let moves = 0; moves < maxMoves; moves++) {
      if (!this.moveOne(sorted, held, subscribed, owner)) break;
    }

    const out = emptyAssignment(members);
    for (const [memberId, partitions] of held) {
      const topics = out.get(memberId)!;
      for (const p of [...partitions].sort()) {
        const [topic, partition] = split(p);
        topics.set(topic, [...(topics.get(topic) ?? []), partition]);
      }
    }
    return normalize(out);
  }

  /**
   * Finds the lightest member that can be made heavier and the shortest chain of moves feeding it
   * from a member with at least two more partitions: the donor hands one partition to the next
   * member on the chain, which hands one on, and so on (a direct move is a chain of one). Members in
   * the middle keep their counts. Among donors at the same distance the heaviest gives, so no member
   * gives partitions away and later has to be refilled. False when the assignment is balanced.
   */
  private moveOne(
    sorted: AssignorMember[],
    held: Map<string, Set<Partition>>,
    subscribed: Map<string, Set<string>>,
    owner: Map<Partition, { memberId: string | null }>,
  ): boolean {
    const size = (id: string): number => held.get(id)!.size;
    const byLoad = [...sorted].sort((a, b) => size(a.memberId) - size(b.memberId));
    const heaviestFirst = [...byLoad].reverse();
    const maxCount = size(heaviestFirst[0].memberId);
    for (const receiver of byLoad) {
      const rCount = size(receiver.memberId);
      if (maxCount < rCount + 2) break; // nobody could give to this member or any heavier one
      // Fast path, the first level of the search below: the heaviest member that can give directly.
      const wanted = subscribed.get(receiver.memberId)!;
      for (const donor of heaviestFirst) {
        if (size(donor.memberId) < rCount + 2) break;
        const partition = this.partitionToHandOn(donor.memberId, held, wanted, owner);
        if (partition === null) continue;
        held.get(donor.memberId)!.delete(partition);
        held.get(receiver.memberId)!.add(partition);
        return true;
      }
      // Breadth-first, level by level, from the receiver: `via.get(x)` = what x hands on, and to whom.
      const via = new Map<string, { partition: Partition; to: string }>();
      const seen = new Set([receiver.memberId]);
      let frontier = [receiver.memberId];
      while (frontier.length > 0) {
        const next: string[] = [];
        for (const to of frontier) {
          const wants = subscribed.get(to)!;
          for (const m of sorted) {
            if (seen.has(m.memberId)) continue;
            const partition = this.partitionToHandOn(m.memberId, held, wants, owner);
            if (partition === null) continue;
            seen.add(m.memberId);
            via.set(m.memberId, { partition, to });
            next.push(m.memberId);
          }
        }
        const donors = next.filter((id) => size(id) >= rCount + 2);
        if (donors.length > 0) {
          const donor = donors.reduce((best, id) => (size(id) > size(best) ? id : best));
          for (let from = donor; from !== receiver.memberId; ) {
            const step = via.get(from)!;
            held.get(from)!.delete(step.partition);
            held.get(step.to)!.add(step.partition);
            from = step.to;
          }
          return true;
        }
        frontier = next;
      }
    }
    return false;
  }

  /** A partition `memberId` could give to a member wanting `topics`: one it was only just given, else its last. */
  private partitionToHandOn(
    memberId: string,
    held: Map<string, Set<Partition>>,
    topics: Set<string>,
    owner: Map<Partition, { memberId: string | null }>,
  ): Partition | null {
    let fresh: Partition | null = null;
    let kept: Partition | null = null;
    for (const p of held.get(memberId)!) {
      if (!topics.has(split(p)[0])) continue;
      if (owner.get(p)?.memberId === memberId) {
        if (kept === null || p > kept) kept = p;
      } else if (fresh === null || p > fresh) {
        fresh = p;
      }
    }
    return fresh ?? kept;
  }
}
