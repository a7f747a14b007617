/// ShapedDevices.csv files in LibreQoS's documented format (docs/v2.0/configuration-advanced.md
/// of LibreQoE/LibreQoS): 15 columns and the optional 16th `sqm`, address lists quoted and
/// comma-separated, fractional Mbps, IPv6 prefixes, and rows the import must leave out.
enum ShapedDevicesFixture {
    static let header = "Circuit ID,Circuit Name,Device ID,Device Name,Parent Node,Parent Node ID,Anchor Node ID,MAC,IPv4,IPv6,Download Min Mbps,Upload Min Mbps,Download Max Mbps,Upload Max Mbps,Comment,sqm"

    /// Lines 2-8 map; lines 9-21 are each wrong in one way.
    static let mixed = """
        \(header)
        10001,"968 Circle St., Gurnee, IL 60031",1,Device 1,AP_A,,site_1,,"100.64.0.1, 100.64.0.14",fdd7:b724:0:100::/56,1,1,155,20,,
        2794,"6 Littleton Drive, Ringgold, GA 30736",5,Device 5,AP_11,,site_2794,,100.64.0.5,"fdd7:b724:0:500::/56,fdd7:b724:0:600::/56",1,1,105,18,"",cake/fq_codel
        2794,"6 Littleton Drive, Ringgold, GA 30736",6,Device 6,AP_11,,site_2794,,100.64.0.6,,1,1,105,18,,
        10003,"255 NW. Newport Ave., Jamestown, NY 14701",3,Device 3,AP_9,,site_3,,100.64.0.4,,1.25,0.75,10.5,5.25,,/none
        10004,Campfire Street,4,Device 4,AP_9,,,,100.64.1.0/29,,1,1,105,18,,
        # a comment line, as LibreQoS allows
        10005,Ringgold,5,Device 5,AP_11,,,,,2001:db8:5::/48,1,1,2.5,1,,
        10006,Peabody,6,Device 6,AP_1,,,,100.64.0.16,,1,1,105,18,,
        ,No circuit,7,Device 7,AP_1,,,,100.64.0.20,,1,1,105,18,,
        bad id!,Spaces,8,Device 8,AP_1,,,,100.64.0.21,,1,1,105,18,,
        10009,Bad address,9,Device 9,AP_1,,,,100.64.0.300,,1,1,105,18,,
        10010,Host bits,10,Device 10,AP_1,,,,100.64.2.1/24,,1,1,105,18,,
        10011,No address,11,Device 11,AP_1,,,,,,1,1,105,18,,
        10012,Bad rate,12,Device 12,AP_1,,,,100.64.0.22,,1,1,fast,18,,
        10006,Peabody,13,Device 13,AP_1,,,,100.64.0.23,,1,1,50,18,,
        10014,Duplicate,14,Device 14,AP_1,,,,100.64.0.1,,1,1,105,18,,
        10015,Inside a prefix,15,Device 15,AP_1,,,,100.64.1.3,,1,1,105,18,,
        10016,Around a prefix,16,Device 16,AP_1,,,,,2001:db8::/32,1,1,105,18,,
        10017,Unterminated,17,Device 17,AP_1,,,,"100.64.0.30,1,1,105,18,,
        10018,Short row,18,Device 18
        10019,IPv6 in IPv4,19,Device 19,AP_1,,,,2001:db8:19::1,,1,1,105,18,,
        """
}
