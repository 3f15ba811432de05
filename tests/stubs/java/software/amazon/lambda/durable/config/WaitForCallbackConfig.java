// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

public final class WaitForCallbackConfig {
    private WaitForCallbackConfig() {}

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder stepConfig(StepConfig value) {
            return this;
        }

        public Builder callbackConfig(CallbackConfig value) {
            return this;
        }

        public WaitForCallbackConfig build() {
            return new WaitForCallbackConfig();
        }
    }
}
