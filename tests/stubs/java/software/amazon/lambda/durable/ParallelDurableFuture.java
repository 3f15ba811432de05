// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable;

import java.util.function.Function;
import software.amazon.lambda.durable.config.ParallelBranchConfig;

public interface ParallelDurableFuture extends DurableFuture<ParallelResult>, SafeCloseable {
    <T> DurableFuture<T> branch(String name, Class<T> type, Function<DurableContext, T> func);

    <T> DurableFuture<T> branch(
            String name, Class<T> type, Function<DurableContext, T> func, ParallelBranchConfig config);
}
