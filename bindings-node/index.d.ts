// Types of the CommonJS entry (index.js): the generated binding's types and the error classes.
export * from './binding'
import type { ErrorCode, ErrorDetails, Diagnostic, Location } from './binding'

/**
 * The base of the package's error classes: an `Error` with the fields of {@link ErrorDetails}.
 * `instanceof` works on the errors the native functions throw, and so does `err.code`.
 */
declare class RocketchatTopologyError<C extends ErrorCode> extends Error {
  constructor(message?: string, options?: { cause?: unknown })
  readonly code: C
  /** The field path the error concerns (`hosts[0].cores`), when it concerns one. */
  path?: string
  /** Where that field sits in the file, when known. */
  location?: Location
  /** The findings that caused the error; empty when none apply. */
  diagnostics: Diagnostic[]
  /** MongoUrlError: the part of the URL at fault. */
  kind?: string
  /** MongoUrlError: how to fix the URL. */
  help?: string
}

/** The topology could not be read: syntax, a bad field, an unset `${NAME}`. */
export declare class TopologyError extends RocketchatTopologyError<'TopologyError'> {}
/** Files could not be rendered (an unknown target, or a topology whose check has errors). */
export declare class RenderError extends RocketchatTopologyError<'RenderError'> {}
/** The planner refused the rollout, or the policy is invalid. */
export declare class PlanError extends RocketchatTopologyError<'PlanError'> {}
/** A MongoDB connection string Rocket.Chat's driver would reject. */
export declare class MongoUrlError extends RocketchatTopologyError<'MongoUrlError'> {}

