// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

import software.amazon.lambda.durable.retry.RetryStrategy;

public final class WithRetryConfig {
    private WithRetryConfig() {}

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder retryStrategy(RetryStrategy value) {
            return this;
        }

        public Builder wrapInChildContext(boolean value) {
            return this;
        }

        public WithRetryConfig build() {
            return new WithRetryConfig();
        }
    }
}
