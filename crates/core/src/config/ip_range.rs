//! An address or CIDR range, for TRUSTED_PROXY_IP: proxies in Kubernetes,
//! Swarm or behind a cloud load balancer change addresses, so a range
//! (`10.0.0.0/8`, `fd00::/8`) is what operators can name.
use std::net::IpAddr;

/// An IPv4 or IPv6 address with a prefix length (a single address has the
/// full length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Parses `ADDR` or `ADDR/PREFIX`.
    pub fn parse(text: &str) -> Option<IpRange> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (
                addr.parse::<IpAddr>().ok()?,
                Some(prefix.parse::<u8>().ok()?),
            ),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpRange {
            network: addr,
            prefix,
        })
    }

    /// The range with the host bits of its address cleared, as
    /// `ADDRESS/PREFIX` (`8.8.8.7/24` is `8.8.8.0/24`).
    pub fn canonical(&self) -> String {
        let network = match self.network {
            IpAddr::V4(net) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                IpAddr::V4((u32::from(net) & mask).into())
            }
            IpAddr::V6(net) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                IpAddr::V6((u128::from(net) & mask).into())
            }
        };
        format!("{network}/{}", self.prefix)
    }

    /// Whether `addr` is in the range. An IPv4 address written as IPv6
    /// (`::ffff:10.0.0.1`, as dual-stack sockets report peers) counts as
    /// the IPv4 address.
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, addr) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn single_addresses_and_ranges() {
        let one = IpRange::parse("172.30.77.10");
        assert!(one.is_some_and(|r| r.contains(ip("172.30.77.10"))));
        assert!(one.is_some_and(|r| !r.contains(ip("172.30.77.11"))));
        let pods = IpRange::parse("10.0.0.0/8");
        assert!(pods.is_some_and(|r| r.contains(ip("10.244.3.7"))));
        assert!(pods.is_some_and(|r| r.contains(ip("::ffff:10.1.2.3"))));
        assert!(pods.is_some_and(|r| !r.contains(ip("11.0.0.1"))));
        let v6 = IpRange::parse("fd00::/8");
        assert!(v6.is_some_and(|r| r.contains(ip("fd12::1"))));
        assert!(v6.is_some_and(|r| !r.contains(ip("fe80::1"))));
        let everything = IpRange::parse("0.0.0.0/0");
        assert!(everything.is_some_and(|r| r.contains(ip("8.8.8.8"))));
    }

    #[test]
    fn canonical_form_clears_host_bits() {
        let text = |s: &str| IpRange::parse(s).map(|r| r.canonical());
        assert_eq!(text("8.8.8.7/24").as_deref(), Some("8.8.8.0/24"));
        assert_eq!(text("10.1.2.3").as_deref(), Some("10.1.2.3/32"));
        assert_eq!(text("fd12::1/8").as_deref(), Some("fd00::/8"));
        assert_eq!(text("0.0.0.0/0").as_deref(), Some("0.0.0.0/0"));
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in ["10.0.0.0/33", "::/129", "proxy", "10.0.0.0/x", ""] {
            assert_eq!(IpRange::parse(bad), None, "{bad}");
        }
    }
}
