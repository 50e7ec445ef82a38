/// Two-word names for keys created without one, in the style Sentry uses ("Liked Pegasus").
enum PetName {
    static let adjectives = [
        "Able", "Bold", "Brave", "Bright", "Calm", "Clever", "Cosmic", "Daring", "Eager", "Fair",
        "Fancy", "Gentle", "Glad", "Grand", "Happy", "Humble", "Jolly", "Keen", "Kind", "Liked",
        "Lively", "Lucky", "Merry", "Mighty", "Noble", "Polite", "Proud", "Quick", "Quiet", "Rapid",
        "Shiny", "Smart", "Steady", "Sunny", "Swift", "Tidy", "Vivid", "Warm", "Wise", "Witty",
    ]
    static let animals = [
        "Alpaca", "Badger", "Beaver", "Bison", "Condor", "Crane", "Dingo", "Dolphin", "Falcon", "Ferret",
        "Gazelle", "Gecko", "Heron", "Ibex", "Jackal", "Koala", "Lemur", "Lynx", "Marmot", "Marten",
        "Narwhal", "Ocelot", "Oarfish", "Otter", "Panda", "Pegasus", "Puffin", "Quokka", "Raven", "Salmon",
        "Seal", "Sloth", "Tapir", "Toucan", "Turtle", "Urchin", "Walrus", "Wombat", "Yak", "Zebra",
    ]

    static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        "\(adjectives.randomElement(using: &generator)!) \(animals.randomElement(using: &generator)!)"
    }
}
