// Shipment handler whose workflow lives in another file.
//
// The Lambda entry point only wraps the workflow; ShipmentWorkflow.RunAsync is
// declared in ShipmentWorkflow.cs, as the SDK's own integration tests do. durable-viz
// looks for the class in the project (the folder of DurableExamples.csproj) and
// draws its operations here, each pointing at its line in ShipmentWorkflow.cs.

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;

namespace Examples.Shipping;

public class ShipmentFunction
{
    public Task<DurableExecutionInvocationOutput> FunctionHandler(
        DurableExecutionInvocationInput input, ILambdaContext context)
    {
        return DurableFunction.WrapAsync<ShipmentRequest, ShipmentResult>(
            ShipmentWorkflow.RunAsync, input, context);
    }
}
