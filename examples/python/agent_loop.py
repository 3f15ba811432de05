"""Tool-using agent loop.

Each turn asks the model what to do next. Quick tools run as one step each;
long-running tools (report builds, data exports) are started and then polled
with wait_for_condition until the job finishes. The loop stops when the model
is done or a tool asks for a human, and backs off when the model is overloaded.
"""

from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.context import DurableContext
from aws_durable_execution_sdk_python.execution import durable_execution
from aws_durable_execution_sdk_python.retries import RetryPresets
from aws_durable_execution_sdk_python.waits import (
    WaitForConditionConfig,
    WaitStrategyConfig,
    create_wait_strategy,
)

from agent_runtime import jobs, model, tools, transcripts

MAX_TURNS = 12
LONG_RUNNING_TOOLS = {"build_report", "export_dataset"}


class TurnLimitExceededError(Exception):
    """The agent kept asking for tools past the turn budget."""


def run_tool(ctx: DurableContext, tool_name: str, args):
    """Start a long-running tool job and poll it until it leaves RUNNING."""
    job = ctx.step(lambda _: jobs.start(tool_name, args), name=f"start:{tool_name}")

    def check_job(state, check_ctx):
        check_ctx.logger.info("polling job %s", state["job_id"])
        return jobs.describe(state["job_id"])

    return ctx.wait_for_condition(
        check_job,
        config=WaitForConditionConfig(
            wait_strategy=create_wait_strategy(
                WaitStrategyConfig(
                    should_continue_polling=lambda state: state["status"] == "RUNNING",
                    max_attempts=40,
                    initial_delay=Duration.from_seconds(5),
                    max_delay=Duration.from_minutes(2),
                    backoff_rate=1.5,
                )
            ),
            initial_state={"job_id": job["job_id"], "status": "RUNNING"},
        ),
        name=f"poll:{tool_name}",
    )


@durable_execution
def handler(event, context: DurableContext):
    messages = [{"role": "user", "content": event["prompt"]}]
    turn = 0

    while True:
        turn += 1
        if turn > MAX_TURNS:
            raise TurnLimitExceededError(f"no answer after {MAX_TURNS} turns")

        reply = context.step(
            lambda _: model.complete(messages, tools.schemas()),
            name="call-model",
            config=StepConfig(retry_strategy=RetryPresets.transient()),
        )

        if reply["stop_reason"] == "end_turn":
            messages.append({"role": "assistant", "content": reply["content"]})
            break
        if reply["stop_reason"] == "overloaded":
            context.wait(Duration.from_seconds(20), name="model-backoff")
            continue

        messages.append({"role": "assistant", "content": reply["content"]})
        tool_calls = reply["tool_calls"]
        for tool in tool_calls:
            if tool["name"] in LONG_RUNNING_TOOLS:
                output = run_tool(context, tool["name"], tool["args"])
            else:
                output = context.step(
                    lambda _, call=tool: tools.execute(call["name"], call["args"]),
                    name=f"tool:{tool['name']}",
                )
            if output.get("needs_human"):
                context.step(
                    lambda _: transcripts.flag_for_review(event["session_id"], output),
                    name="flag-for-review",
                )
                break
            messages.append(tool_result(tool, output))
        else:
            # Every tool ran: hand the results back to the model.
            continue
        # A tool asked for a human, so the agent stops here.
        break

    context.step(lambda _: transcripts.save(event["session_id"], messages))
    return {"turns": turn, "answer": messages[-1]["content"]}


def tool_result(tool, output):
    return {
        "role": "tool",
        "tool_call_id": tool["id"],
        "content": output.get("content", ""),
    }
