// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

public enum StepSemantics {
    AT_LEAST_ONCE_PER_RETRY,
    AT_MOST_ONCE_PER_RETRY
}
