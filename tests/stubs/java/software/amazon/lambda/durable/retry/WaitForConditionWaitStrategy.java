// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.retry;

import java.time.Duration;

@FunctionalInterface
public interface WaitForConditionWaitStrategy<T> {
    Duration delay(T state, int attempt);
}
