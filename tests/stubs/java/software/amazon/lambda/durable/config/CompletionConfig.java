// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable.config;

public record CompletionConfig(
        Integer minSuccessful, Integer toleratedFailureCount, Double toleratedFailurePercentage) {
    public static CompletionConfig allSuccessful() {
        return new CompletionConfig(null, 0, null);
    }

    public static CompletionConfig allCompleted() {
        return new CompletionConfig(null, null, null);
    }

    public static CompletionConfig firstSuccessful() {
        return new CompletionConfig(1, null, null);
    }

    public static CompletionConfig minSuccessful(int count) {
        return new CompletionConfig(count, null, null);
    }

    public static CompletionConfig toleratedFailureCount(int count) {
        return new CompletionConfig(null, count, null);
    }

    public static CompletionConfig toleratedFailurePercentage(double percentage) {
        return new CompletionConfig(null, null, percentage);
    }
}
