// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable;

import java.time.Duration;
import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.lambda.durable.config.CallbackConfig;
import software.amazon.lambda.durable.config.InvokeConfig;
import software.amazon.lambda.durable.config.MapConfig;
import software.amazon.lambda.durable.config.ParallelConfig;
import software.amazon.lambda.durable.config.RunInChildContextConfig;
import software.amazon.lambda.durable.config.StepConfig;
import software.amazon.lambda.durable.config.WaitForCallbackConfig;
import software.amazon.lambda.durable.config.WaitForConditionConfig;
import software.amazon.lambda.durable.config.WithRetryConfig;

public interface DurableContext {
    <T> T step(String name, Class<T> type, Function<StepContext, T> func);
    <T> T step(String name, Class<T> type, Function<StepContext, T> func, StepConfig config);
    <T> DurableFuture<T> stepAsync(String name, Class<T> type, Function<StepContext, T> func);
    <T> DurableFuture<T> stepAsync(String name, Class<T> type, Function<StepContext, T> func, StepConfig config);
    Void wait(String name, Duration duration);
    DurableFuture<Void> waitAsync(String name, Duration duration);
    <T, U> T invoke(String name, String functionName, U payload, Class<T> type);
    <T, U> T invoke(String name, String functionName, U payload, Class<T> type, InvokeConfig config);
    <T, U> DurableFuture<T> invokeAsync(String name, String functionName, U payload, Class<T> type);
    <T, U> DurableFuture<T> invokeAsync(String name, String functionName, U payload, Class<T> type, InvokeConfig config);
    <T> T runInChildContext(String name, Class<T> type, Function<DurableContext, T> func);
    <T> T runInChildContext(String name, Class<T> type, Function<DurableContext, T> func, RunInChildContextConfig config);
    <T> DurableFuture<T> runInChildContextAsync(String name, Class<T> type, Function<DurableContext, T> func);
    <T> DurableFuture<T> runInChildContextAsync(String name, Class<T> type, Function<DurableContext, T> func, RunInChildContextConfig config);
    <T> T waitForCallback(String name, Class<T> type, BiConsumer<String, StepContext> submitter);
    <T> T waitForCallback(String name, Class<T> type, BiConsumer<String, StepContext> submitter, WaitForCallbackConfig config);
    <T> DurableFuture<T> waitForCallbackAsync(String name, Class<T> type, BiConsumer<String, StepContext> submitter);
    <T> DurableFuture<T> waitForCallbackAsync(String name, Class<T> type, BiConsumer<String, StepContext> submitter, WaitForCallbackConfig config);
    <T> T waitForCondition(String name, Class<T> type, BiFunction<T, StepContext, WaitForConditionResult<T>> check);
    <T> T waitForCondition(String name, Class<T> type, BiFunction<T, StepContext, WaitForConditionResult<T>> check, WaitForConditionConfig<T> config);
    <T> DurableFuture<T> waitForConditionAsync(String name, Class<T> type, BiFunction<T, StepContext, WaitForConditionResult<T>> check);
    <T> DurableFuture<T> waitForConditionAsync(String name, Class<T> type, BiFunction<T, StepContext, WaitForConditionResult<T>> check, WaitForConditionConfig<T> config);
    <T> T withRetry(String name, BiFunction<Integer, DurableContext, T> func);
    <T> T withRetry(String name, BiFunction<Integer, DurableContext, T> func, WithRetryConfig config);
    <T> DurableFuture<T> withRetryAsync(String name, BiFunction<Integer, DurableContext, T> func);
    <T> DurableFuture<T> withRetryAsync(String name, BiFunction<Integer, DurableContext, T> func, WithRetryConfig config);
    <I, O> MapResult<O> map(String name, Collection<I> items, Class<O> type, MapFunction<I, O> func);
    <I, O> MapResult<O> map(String name, Collection<I> items, Class<O> type, MapFunction<I, O> func, MapConfig config);
    <I, O> DurableFuture<MapResult<O>> mapAsync(String name, Collection<I> items, Class<O> type, MapFunction<I, O> func);
    <I, O> DurableFuture<MapResult<O>> mapAsync(String name, Collection<I> items, Class<O> type, MapFunction<I, O> func, MapConfig config);
    <T> DurableCallbackFuture<T> createCallback(String name, Class<T> type);
    <T> DurableCallbackFuture<T> createCallback(String name, Class<T> type, CallbackConfig config);
    ParallelDurableFuture parallel(String name);
    ParallelDurableFuture parallel(String name, ParallelConfig config);
}
