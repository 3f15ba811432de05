// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable;

import java.util.List;

public interface DurableFuture<T> {
    T get();

    static DurableFuture<List<Object>> allOf(DurableFuture<?>... futures) {
        throw new UnsupportedOperationException("stub");
    }

    static DurableFuture<List<Object>> allOf(List<? extends DurableFuture<?>> futures) {
        throw new UnsupportedOperationException("stub");
    }

    static DurableFuture<Object> anyOf(DurableFuture<?>... futures) {
        throw new UnsupportedOperationException("stub");
    }

    static DurableFuture<Object> anyOf(List<? extends DurableFuture<?>> futures) {
        throw new UnsupportedOperationException("stub");
    }
}
