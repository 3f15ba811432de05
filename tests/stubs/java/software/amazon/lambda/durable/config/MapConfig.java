// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

import java.util.function.BiFunction;

public final class MapConfig {
    private MapConfig() {}

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

        public Builder itemNamer(BiFunction<Object, Integer, String> namer) {
            return this;
        }

        public <I> Builder itemNamer(Class<I> itemType, BiFunction<? super I, Integer, String> namer) {
            return this;
        }

        public MapConfig build() {
            return new MapConfig();
        }
    }
}
