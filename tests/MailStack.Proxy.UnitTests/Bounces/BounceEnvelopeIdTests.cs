using MailStack.Proxy.Bounces.Parsing;
using MimeKit;
using static MailStack.Proxy.UnitTests.Bounces.BounceReports;

namespace MailStack.Proxy.UnitTests.Bounces;

/// <summary>The ENVID and the made-up Message-ID: the message's key written so that it survives the trip and reads back exactly.</summary>
public sealed class BounceEnvelopeIdTests
{
    [Theory]
    [InlineData("tenant1", "msg-1", "ms1.tenant1.msg-1")]
    [InlineData("t.1", "a b", "ms1.t~2E1.a~20b")]
    [InlineData("t", "ü", "ms1.t.~C3~BC")]
    [InlineData("t", "+=~", "ms1.t.~2B~3D~7E")]
    [InlineData("Tenant_A", "ID_9-z", "ms1.Tenant_A.ID_9-z")]
    public void The_envelope_id_is_the_key_written_in_plain_xtext(string tenant, string id, string envelopeId)
    {
        Assert.Equal(envelopeId, BounceEnvelopeId.Format(new(tenant, id)));
        Assert.True(BounceEnvelopeId.TryParse(envelopeId, out var key));
        Assert.Equal(new BouncedMessageKey(tenant, id), key);
    }

    [Theory]
    [InlineData("tenant_1", "id/with:odd<chars>@\"quoted\"")]
    [InlineData("租户", "消息-1")]
    [InlineData("t", "emoji 😀 and\ttab\nnewline")]
    [InlineData("ms1.t", "ms1.t.x")]
    [InlineData("~", "~7E")]
    public void Odd_characters_round_trip_in_printable_ascii_without_xtext_escapes(string tenant, string id)
    {
        var envelopeId = BounceEnvelopeId.Format(new(tenant, id));

        Assert.NotNull(envelopeId);
        Assert.All(envelopeId, c => Assert.True(c is >= '!' and <= '~' and not '+' and not '=', $"'{c}' needs xtext escaping"));
        Assert.True(BounceEnvelopeId.TryParse(envelopeId, out var key));
        Assert.Equal(new BouncedMessageKey(tenant, id), key);
    }

    [Fact]
    public void A_key_longer_than_100_characters_written_out_has_no_envelope_id()
    {
        Assert.Equal(100, BounceEnvelopeId.Format(new("t", new string('x', 94)))?.Length);
        Assert.Null(BounceEnvelopeId.Format(new("t", new string('x', 95))));
        // 16 × "ü" is 32 UTF-8 bytes, 96 characters escaped.
        Assert.Null(BounceEnvelopeId.Format(new("t", string.Concat(Enumerable.Repeat("ü", 16)))));
    }

    [Fact]
    public void A_key_that_cannot_be_written_has_no_envelope_id()
    {
        Assert.Null(BounceEnvelopeId.Format(new("", "x")));
        Assert.Null(BounceEnvelopeId.Format(new("t", "")));
        Assert.Null(BounceEnvelopeId.Format(new("t", "lone \ud800 surrogate")));
        Assert.Null(BounceMessageId.Format(new("t", "lone \ud800 surrogate"), "host"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("QQ12345.ABC")]
    [InlineData("ms2.t.x")]
    [InlineData("ms1.")]
    [InlineData("ms1.t")]
    [InlineData("ms1..x")]
    [InlineData("ms1.t.")]
    [InlineData("ms1.t.x.y")]
    [InlineData("ms1.t.x y")]
    [InlineData("ms1.t.x~ZZ")]
    [InlineData("ms1.t.x~4")]
    [InlineData("ms1.t.~41")]
    [InlineData("ms1.t.~FF")]
    [InlineData("ms1.t.x+")]
    [InlineData("ms1.t.x+G1")]
    public void Anything_else_is_no_envelope_key(string? envelopeId)
    {
        Assert.False(BounceEnvelopeId.TryParse(envelopeId, out var key));
        Assert.Equal(default, key);
    }

    [Theory]
    [InlineData(" ms1.t.x ", "x")]
    [InlineData("ms1+2Et+2Ex", "x")]
    [InlineData("ms1.t.a+7E2Eb", "a.b")]
    public void An_envelope_id_quoted_in_xtext_or_with_spaces_is_read(string envelopeId, string id)
    {
        Assert.True(BounceEnvelopeId.TryParse(envelopeId, out var key));
        Assert.Equal(new BouncedMessageKey("t", id), key);
    }

    [Fact]
    public void A_made_up_message_id_carries_the_key_and_is_unique()
    {
        var first = BounceMessageId.Format(Key, "mailstack-proxy");
        var second = BounceMessageId.Format(Key, "mailstack-proxy");

        Assert.NotNull(first);
        Assert.StartsWith("ms1.tenant1.msg-1.", first, StringComparison.Ordinal);
        Assert.EndsWith("@mailstack-proxy", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.True(BounceMessageId.TryParse(first, out var bare));
        Assert.True(BounceMessageId.TryParse($" <{first}> ", out var bracketed));
        Assert.Equal((Key, Key), (bare, bracketed));
    }

    [Theory]
    [InlineData("tenant1", "msg-1")]
    [InlineData("t.1", "id with spaces, <brackets> and ü")]
    public void A_made_up_message_id_survives_a_trip_through_mime(string tenant, string id)
    {
        var message = new MimeMessage { MessageId = BounceMessageId.Format(new(tenant, id), "proxy.example")! };

        var reloaded = Reload(message);

        Assert.Equal(message.MessageId, reloaded.MessageId);
        Assert.True(BounceMessageId.TryParse(reloaded.Headers[HeaderId.MessageId], out var key));
        Assert.Equal(new BouncedMessageKey(tenant, id), key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("given@example.test")]
    [InlineData("<ms1.t.x@host>")]
    [InlineData("<ms1.t.x.@host>")]
    [InlineData("ms1.t.x.unique")]
    [InlineData("<ms1.t.~ZZ.unique@host>")]
    public void A_message_id_the_proxy_did_not_make_names_no_message(string? messageId) =>
        Assert.False(BounceMessageId.TryParse(messageId, out _));

    [Fact]
    public void A_key_too_long_for_a_message_id_gets_none() =>
        Assert.Null(BounceMessageId.Format(new("t", new string('x', 240)), "mailstack-proxy"));
}
