// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

import software.amazon.lambda.durable.retry.WaitForConditionWaitStrategy;

public final class WaitForConditionConfig<T> {
    private WaitForConditionConfig() {}

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    public static final class Builder<T> {
        public Builder<T> waitStrategy(WaitForConditionWaitStrategy<T> value) {
            return this;
        }

        public Builder<T> initialState(T value) {
            return this;
        }

        public WaitForConditionConfig<T> build() {
            return new WaitForConditionConfig<>();
        }
    }
}
