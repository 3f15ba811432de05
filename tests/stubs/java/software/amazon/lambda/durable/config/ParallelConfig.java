// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

public final class ParallelConfig {
    private ParallelConfig() {}

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder maxConcurrency(Integer value) {
            return this;
        }

        public Builder completionConfig(CompletionConfig value) {
            return this;
        }

        public Builder nestingType(NestingType value) {
            return this;
        }

        public ParallelConfig build() {
            return new ParallelConfig();
        }
    }
}
