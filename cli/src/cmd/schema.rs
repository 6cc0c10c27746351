use rocketchat_topology::Topology;

pub fn run() -> u8 {
    crate::output::print_json(&Topology::json_schema());
    0
}
