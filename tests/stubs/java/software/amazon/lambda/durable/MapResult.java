// Stub of the durable-execution SDK's public API, enough for javac to check generated handlers.
package software.amazon.lambda.durable;

import java.util.List;

public interface MapResult<O> {
    List<O> results();

    int failureCount();
}
