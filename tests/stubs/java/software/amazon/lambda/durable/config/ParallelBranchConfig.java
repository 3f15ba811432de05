// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

public final class ParallelBranchConfig {
    private ParallelBranchConfig() {}

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder name(String value) {
            return this;
        }

        public ParallelBranchConfig build() {
            return new ParallelBranchConfig();
        }
    }
}
