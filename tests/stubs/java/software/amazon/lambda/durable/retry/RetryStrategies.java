// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.retry;

import java.time.Duration;

public final class RetryStrategies {
    private RetryStrategies() {}

    public static final class Presets {
        private Presets() {}

        public static final RetryStrategy DEFAULT = (error, attempt) -> null;
        public static final RetryStrategy LINEAR = (error, attempt) -> null;
        public static final RetryStrategy NO_RETRY = (error, attempt) -> null;
    }

    public static RetryStrategy exponentialBackoff(
            int maxAttempts, Duration initialDelay, Duration maxDelay, double backoffRate, JitterStrategy jitter) {
        return Presets.DEFAULT;
    }

    public static RetryStrategy linearBackoff(int maxAttempts, Duration initialDelay, Duration increment) {
        return Presets.LINEAR;
    }

    public static RetryStrategy fixedDelay(int maxAttempts, Duration fixedDelay) {
        return Presets.DEFAULT;
    }
}
