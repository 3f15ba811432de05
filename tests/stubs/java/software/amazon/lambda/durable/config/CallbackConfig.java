// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

import java.time.Duration;

public final class CallbackConfig {
    private CallbackConfig() {}

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        public Builder timeout(Duration value) {
            return this;
        }

        public Builder heartbeatTimeout(Duration value) {
            return this;
        }

        public CallbackConfig build() {
            return new CallbackConfig();
        }
    }
}
