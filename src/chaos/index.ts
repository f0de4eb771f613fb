/**
 * `understudy/chaos`: local emulators of the OpenAI (Chat Completions and Responses), Anthropic, Gemini and
 * AWS Bedrock Converse APIs that fail on command.
 *
 * @example
 * import { startChaosServer } from 'understudy/chaos';
 * const chaos = await startChaosServer({ protocol: 'anthropic', scenario: { fault: 'status:529' } });
 */

export { seededRandom } from '../fallback/group/seeded-random.ts';
export {
  type Answer,
  type AnswerFinish,
  argsFromSchema,
  buildAnswer,
  countTokens,
  fillerText,
  tokenize,
} from './answers.ts';
export { FAULT_SYNTAX, type Fault, type FaultPlan, FaultSpecError, parseFaultSpec } from './fault-spec.ts';
export { compileFaultRule, FaultSelector } from './faults.ts';
export type { ChaosProtocol } from './protocols/protocol.ts';
export {
  type AnswerMode,
  type FaultRule,
  loadScenarioFile,
  parseScenario,
  parseScenarioYaml,
  type Scenario,
  ScenarioError,
  type ScenarioInput,
  scenarioSchema,
} from './scenario.ts';
export {
  type ChaosRequestEvent,
  type ChaosServer,
  type ChaosServerOptions,
  type ChaosStats,
  startChaosServer,
} from './server.ts';
