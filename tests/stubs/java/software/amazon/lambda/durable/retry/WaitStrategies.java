// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.retry;

import java.time.Duration;

public final class WaitStrategies {
    private WaitStrategies() {}

    public static <T> WaitForConditionWaitStrategy<T> defaultStrategy() {
        return (state, attempt) -> Duration.ofSeconds(5);
    }

    public static <T> WaitForConditionWaitStrategy<T> exponentialBackoff(
            int maxAttempts, Duration initialDelay, Duration maxDelay, double backoffRate, JitterStrategy jitter) {
        return (state, attempt) -> initialDelay;
    }

    public static <T> WaitForConditionWaitStrategy<T> fixedDelay(int maxAttempts, Duration fixedDelay) {
        return (state, attempt) -> fixedDelay;
    }
}
