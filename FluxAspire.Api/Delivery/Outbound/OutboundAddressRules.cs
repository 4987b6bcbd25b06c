using System.Net;
using System.Net.Sockets;

namespace FluxAspire.Api.Delivery.Outbound;

/// <summary>Which IP addresses and host names a request may never make us call (SSRF), and why.</summary>
public static class OutboundAddressRules
{
    // Cloud metadata endpoints by name; their addresses (169.254.169.254, fd00:ec2::254, 100.100.100.200) are also
    // caught by the link-local / unique-local / CGNAT ranges below, but a name gives a clearer reason before DNS.
    private static readonly HashSet<string> MetadataHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
        "metadata.azure.internal", "metadata.oraclecloud.com",
    };

    private static readonly (IPAddress Network, int Prefix, string Reason)[] V4Ranges =
    [
        (IPAddress.Parse("169.254.169.254"), 32, "a cloud metadata address"),
        (IPAddress.Parse("100.100.100.200"), 32, "a cloud metadata address"),
        (IPAddress.Parse("0.0.0.0"), 8, "an unspecified (\"this network\") address"),
        (IPAddress.Parse("127.0.0.0"), 8, "a loopback address"),
        (IPAddress.Parse("10.0.0.0"), 8, "a private (RFC 1918) address"),
        (IPAddress.Parse("172.16.0.0"), 12, "a private (RFC 1918) address"),
        (IPAddress.Parse("192.168.0.0"), 16, "a private (RFC 1918) address"),
        (IPAddress.Parse("100.64.0.0"), 10, "a shared (CGNAT, RFC 6598) address"),
        (IPAddress.Parse("169.254.0.0"), 16, "a link-local address"),
        (IPAddress.Parse("192.0.0.0"), 24, "an IETF protocol assignment address"),
        (IPAddress.Parse("198.18.0.0"), 15, "a benchmarking address"),
        (IPAddress.Parse("224.0.0.0"), 4, "a multicast address"),
        (IPAddress.Parse("240.0.0.0"), 4, "a reserved or broadcast address"),
    ];

    private static readonly (IPAddress Network, int Prefix, string Reason)[] V6Ranges =
    [
        (IPAddress.Parse("fd00:ec2::254"), 128, "a cloud metadata address"),
        (IPAddress.Parse("::"), 128, "an unspecified address"),
        (IPAddress.Parse("::1"), 128, "a loopback address"),
        (IPAddress.Parse("fc00::"), 7, "a unique-local (private) address"),
        (IPAddress.Parse("fe80::"), 10, "a link-local address"),
        (IPAddress.Parse("fec0::"), 10, "a site-local address"),
        (IPAddress.Parse("ff00::"), 8, "a multicast address"),
        (IPAddress.Parse("100::"), 64, "a discard-only address"),
    ];

    /// <summary>Why <paramref name="host"/> may not be called by name, or null when the name itself is fine.</summary>
    public static string? RefuseHost(string host)
    {
        var name = host.TrimEnd('.');
        if (MetadataHosts.Contains(name)) return $"'{host}' is a cloud metadata host";
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return $"'{host}' is a loopback host";
        return null;
    }

    /// <summary>Why <paramref name="address"/> may not be called, or null when it is a public unicast address.</summary>
    public static string? RefuseAddress(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // Addresses that embed an IPv4 address are judged by it: ::ffff:127.0.0.1 is loopback.
            var embedded = EmbeddedIPv4(address);
            if (embedded is not null)
            {
                var inner = RefuseAddress(embedded);
                return inner is null ? null : $"{address} embeds {embedded}, {inner}";
            }
            foreach (var (network, prefix, reason) in V6Ranges)
                if (InRange(address, network, prefix)) return $"{address} is {reason}";
            return null;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var (network, prefix, reason) in V4Ranges)
                if (InRange(address, network, prefix)) return $"{address} is {reason}";
            return null;
        }
        return $"{address} is not an IP address";
    }

    private static IPAddress? EmbeddedIPv4(IPAddress v6)
    {
        if (v6.IsIPv4MappedToIPv6) return v6.MapToIPv4();
        var bytes = v6.GetAddressBytes();
        // NAT64 64:ff9b::/96 and the deprecated IPv4-compatible ::a.b.c.d (but not :: and ::1).
        var nat64 = bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
        var compatible = bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !v6.Equals(IPAddress.IPv6Any) && !v6.Equals(IPAddress.IPv6Loopback);
        if (nat64 || compatible) return new IPAddress(bytes.AsSpan(12, 4));
        // 6to4 2002:a.b.c.d::/48
        if (bytes[0] == 0x20 && bytes[1] == 0x02) return new IPAddress(bytes.AsSpan(2, 4));
        return null;
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length) return false;
        var fullBytes = prefix / 8;
        if (!a.AsSpan(0, fullBytes).SequenceEqual(n.AsSpan(0, fullBytes))) return false;
        var rest = prefix % 8;
        if (rest == 0) return true;
        var mask = (byte)(0xFF << (8 - rest));
        return (a[fullBytes] & mask) == (n[fullBytes] & mask);
    }
}
