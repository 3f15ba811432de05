// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

import software.amazon.lambda.durable.retry.RetryStrategy;

public final class StepConfig {
    private StepConfig() {}

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder retryStrategy(RetryStrategy value) {
            return this;
        }

        public Builder semanticsPerRetry(StepSemantics value) {
            return this;
        }

        public StepConfig build() {
            return new StepConfig();
        }
    }
}
