// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.retry;

@FunctionalInterface
public interface RetryStrategy {
    Object decide(Throwable error, int attempt);
}
