// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

public final class RunInChildContextConfig {
    private RunInChildContextConfig() {}

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder isVirtual(boolean value) {
            return this;
        }

        public RunInChildContextConfig build() {
            return new RunInChildContextConfig();
        }
    }
}
