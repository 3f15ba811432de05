// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable;

public final class WaitForConditionResult<T> {
    private WaitForConditionResult() {}

    public static <T> WaitForConditionResult<T> stopPolling(T state) {
        return new WaitForConditionResult<>();
    }

    public static <T> WaitForConditionResult<T> continuePolling(T state) {
        return new WaitForConditionResult<>();
    }
}
