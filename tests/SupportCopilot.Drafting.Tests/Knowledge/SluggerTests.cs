using SupportCopilot.Drafting.Knowledge;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class SluggerTests
{
    [Theory]
    [InlineData("Forcing tool use", "forcing-tool-use")]
    [InlineData("The reset email didn't arrive", "the-reset-email-didnt-arrive")]
    [InlineData("1. Choose the right model", "1-choose-the-right-model")]
    [InlineData("Q & A", "q-a")]
    [InlineData("Claude 3.5 Sonnet (new)", "claude-35-sonnet-new")]
    [InlineData("Pre-built `tools`", "pre-built-tools")]
    [InlineData("Café_menu", "cafmenu")]
    public void A_heading_becomes_a_lower_case_slug_without_punctuation(string heading, string slug) =>
        Assert.Equal(slug, Slugger.Slug(heading));

    [Fact]
    public void A_repeated_heading_in_the_same_document_gets_numbered_suffixes_in_order()
    {
        var slugger = new Slugger();

        Assert.Equal("android", slugger.Next("Android"));
        Assert.Equal("ios", slugger.Next("iOS"));
        Assert.Equal("android-1", slugger.Next("Android"));
        Assert.Equal("android-2", slugger.Next("Android"));
    }

    [Fact]
    public void Another_document_starts_counting_again() =>
        Assert.Equal("android", new Slugger().Next("Android"));
}
