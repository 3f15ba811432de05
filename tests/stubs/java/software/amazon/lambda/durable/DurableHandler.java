// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable;

public abstract class DurableHandler<I, O> {
    public abstract O handleRequest(I input, DurableContext context);
}
