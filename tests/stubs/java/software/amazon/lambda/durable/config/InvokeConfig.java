// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

public final class InvokeConfig {
    private InvokeConfig() {}

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder tenantId(String value) {
            return this;
        }

        public InvokeConfig build() {
            return new InvokeConfig();
        }
    }
}
