export type TopicNames = { readonly events: string; readonly commands: string; readonly deadLetters: string };

export const topicNames = (prefix: string): TopicNames => ({
  events: `${prefix}.events`,
  commands: `${prefix}.commands`,
  deadLetters: `${prefix}.dead-letters`,
});
