import type { PartitionAssigner } from 'kafkajs';
import { AssignerProtocol } from './kafkajs.ts';

/**
 * kafkajs has no manual assignment. A reader joins a group of its own (one member) and this
 * assigner hands that member exactly the chosen partitions of one topic.
 */
export const chosenPartitionsAssigner =
  (topic: string, partitions: readonly number[]): PartitionAssigner =>
  () => ({
    name: 'ProjectionistChosenPartitions',
    version: 1,
    assign: ({ members }) =>
      Promise.resolve(
        members.map((member, index) => ({
          memberId: member.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: index === 0 ? { [topic]: [...partitions] } : {},
            userData: Buffer.alloc(0),
          }),
        })),
      ),
    protocol: ({ topics }) => ({
      name: 'ProjectionistChosenPartitions',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    }),
  });
