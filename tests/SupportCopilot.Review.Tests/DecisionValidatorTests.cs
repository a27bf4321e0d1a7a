using SupportCopilot.Review.Decisions;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class DecisionValidatorTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("A kinder reply.")]
    public void An_approval_by_a_named_agent_is_valid_with_or_without_text(string? text) =>
        Assert.True(new ApproveRequestValidator().Validate(new ApproveRequest("ana", text)).IsValid);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_edit_to_an_empty_reply_is_invalid(string text)
    {
        var result = new ApproveRequestValidator().Validate(new ApproveRequest("ana", text));

        Assert.Equal("Text", Assert.Single(result.Errors).PropertyName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_decision_needs_an_agent(string? agent)
    {
        Assert.Contains(new ApproveRequestValidator().Validate(new ApproveRequest(agent, null)).Errors, e => e.PropertyName == "Agent");
        Assert.Contains(new RejectRequestValidator().Validate(new RejectRequest(agent, "wrong_answer", null)).Errors, e => e.PropertyName == "Agent");
    }

    [Fact]
    public void An_agent_name_longer_than_an_email_address_can_be_is_invalid() =>
        Assert.False(new ApproveRequestValidator().Validate(new ApproveRequest(new string('a', 255), null)).IsValid);

    [Theory]
    [InlineData("wrong_answer")]
    [InlineData("wrong_source")]
    [InlineData("should_not_automate")]
    [InlineData("needs_escalation")]
    public void Each_reason_code_is_valid_without_a_comment(string reason) =>
        Assert.True(new RejectRequestValidator().Validate(new RejectRequest("ana", reason, null)).IsValid);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("made_up")]
    [InlineData("Wrong_Answer")]
    public void A_rejection_without_a_known_reason_is_invalid(string? reason) =>
        Assert.Contains(new RejectRequestValidator().Validate(new RejectRequest("ana", reason, null)).Errors, e => e.PropertyName == "Reason");

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void Other_needs_a_comment(string? comment) =>
        Assert.Equal("Comment", Assert.Single(new RejectRequestValidator().Validate(new RejectRequest("ana", "other", comment)).Errors).PropertyName);

    [Fact]
    public void Other_with_a_comment_is_valid() =>
        Assert.True(new RejectRequestValidator().Validate(new RejectRequest("ana", "other", "Customer is a reseller.")).IsValid);
}
