using FluxAspire.Api.Delivery.Outbound;

namespace FluxAspire.Tests.Api.Outbound;

public class OutboundAddressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1 is a loopback address")]
    [InlineData("127.255.0.9", "127.255.0.9 is a loopback address")]
    [InlineData("10.1.2.3", "10.1.2.3 is a private (RFC 1918) address")]
    [InlineData("172.16.0.1", "172.16.0.1 is a private (RFC 1918) address")]
    [InlineData("172.31.255.255", "172.31.255.255 is a private (RFC 1918) address")]
    [InlineData("192.168.1.1", "192.168.1.1 is a private (RFC 1918) address")]
    [InlineData("100.64.0.1", "100.64.0.1 is a shared (CGNAT, RFC 6598) address")]
    [InlineData("100.127.255.254", "100.127.255.254 is a shared (CGNAT, RFC 6598) address")]
    [InlineData("169.254.169.254", "169.254.169.254 is a cloud metadata address")]
    [InlineData("169.254.1.1", "169.254.1.1 is a link-local address")]
    [InlineData("0.0.0.0", "0.0.0.0 is an unspecified (\"this network\") address")]
    [InlineData("224.0.0.1", "224.0.0.1 is a multicast address")]
    [InlineData("255.255.255.255", "255.255.255.255 is a reserved or broadcast address")]
    [InlineData("::", ":: is an unspecified address")]
    [InlineData("::1", "::1 is a loopback address")]
    [InlineData("fd00:ec2::254", "fd00:ec2::254 is a cloud metadata address")]
    [InlineData("fc00::1", "fc00::1 is a unique-local (private) address")]
    [InlineData("fdff::1", "fdff::1 is a unique-local (private) address")]
    [InlineData("fe80::1", "fe80::1 is a link-local address")]
    [InlineData("ff02::1", "ff02::1 is a multicast address")]
    [InlineData("::ffff:127.0.0.1", "::ffff:127.0.0.1 embeds 127.0.0.1, 127.0.0.1 is a loopback address")]
    [InlineData("::ffff:169.254.169.254", "::ffff:169.254.169.254 embeds 169.254.169.254, 169.254.169.254 is a cloud metadata address")]
    [InlineData("64:ff9b::a00:1", "64:ff9b::a00:1 embeds 10.0.0.1, 10.0.0.1 is a private (RFC 1918) address")]
    [InlineData("2002:7f00:1::", "2002:7f00:1:: embeds 127.0.0.1, 127.0.0.1 is a loopback address")]
    public void Refuses_non_public_addresses_with_the_reason(string address, string reason)
    {
        Assert.Equal(reason, OutboundAddressRules.RefuseAddress(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("fbff::1")]
    public void Allows_public_unicast_addresses(string address)
    {
        Assert.Null(OutboundAddressRules.RefuseAddress(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("metadata.google.internal", "'metadata.google.internal' is a cloud metadata host")]
    [InlineData("METADATA.google.internal.", "'METADATA.google.internal.' is a cloud metadata host")]
    [InlineData("localhost", "'localhost' is a loopback host")]
    [InlineData("a.localhost", "'a.localhost' is a loopback host")]
    public void Refuses_metadata_and_loopback_names(string host, string reason)
    {
        Assert.Equal(reason, OutboundAddressRules.RefuseHost(host));
    }

    [Fact]
    public void Allows_ordinary_names()
    {
        Assert.Null(OutboundAddressRules.RefuseHost("example.com"));
    }
}

public class OutboundUrlsOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:9000", true)]
    [InlineData("[::1]:9000", true)]
    [InlineData("receiver.internal:8080", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.0.0.1:0", false)]
    [InlineData(":9000", false)]
    [InlineData("host:http", false)]
    public void Allow_entries_must_be_host_and_port(string entry, bool valid)
    {
        var options = new OutboundUrlsOptions { Allow = [entry] };
        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Equal(valid, results.Count == 0);
    }
}
