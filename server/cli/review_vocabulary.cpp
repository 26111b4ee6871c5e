// Phrase tables of the synthetic review generator (see review_vocabulary.h).
#include "server/cli/review_vocabulary.h"

namespace quarry::cli {
namespace {

using SV = std::string_view;

// ---- Genres -------------------------------------------------------------------------------------

constexpr SV kShooterFeatures[] = {"gunplay", "recoil", "map design", "hit registration",
                                   "weapon balance", "matchmaking", "killstreaks", "netcode",
                                   "ranked mode", "sniper rifles"};
constexpr SV kShooterPraise[] = {
    "The gunplay feels punchy and every weapon has its own personality.",
    "Ranked matches are tense and a good clutch feels amazing.",
    "The maps are well designed with lots of flanking routes.",
    "Hit registration is solid and the netcode holds up even on a bad connection.",
    "Nothing beats a late night squad session with {friends}."};
constexpr SV kShooterComplaints[] = {
    "The matchmaking puts me against players way above my rank every single game.",
    "Cheaters everywhere and the anti-cheat does nothing.",
    "Hit registration is a joke, I emptied a whole magazine into a guy and he walked away.",
    "The servers lag so hard that I die behind walls.",
    "Every new weapon is pay to win until they nerf it months later."};
constexpr SV kShooterTitle[] = {"Strike", "Warfront", "Squad", "Frontline", "Ballistic",
                                "Recon", "Siege", "Zero Hour", "Bullet", "Vanguard"};

constexpr SV kRpgFeatures[] = {"skill trees", "side quests", "character builds", "dialogue choices",
                               "companions", "loot", "crafting system", "open world",
                               "boss fights", "lore"};
constexpr SV kRpgPraise[] = {
    "The story pulled me in from the first hour and the characters feel alive.",
    "Side quests are written as carefully as the main story.",
    "There are so many viable character builds that I started a second playthrough right away.",
    "Your dialogue choices actually matter and the ending reflects them.",
    "The companions are the heart of the game and I got way too attached to them."};
constexpr SV kRpgComplaints[] = {
    "The main quest bugged out and I lost a forty hour save.",
    "The loot is mostly useless and the inventory management is a chore.",
    "The writing is bland and the characters have no personality.",
    "Level scaling ruins any sense of progression.",
    "The last act feels rushed, like they ran out of money."};
constexpr SV kRpgTitle[] = {"Chronicles", "Legends", "Saga", "Kingdom", "Oath", "Ember",
                            "Shadows", "Dragon", "Relic", "Crown"};

constexpr SV kStrategyFeatures[] = {"AI opponents", "tech tree", "diplomacy", "campaign",
                                    "unit variety", "economy", "late game", "multiplayer lobbies",
                                    "fog of war", "mod support"};
constexpr SV kStrategyPraise[] = {
    "Every campaign plays out differently and the AI actually adapts.",
    "The tech tree is deep and rewards careful planning.",
    "I said just one more turn and suddenly it was four in the morning.",
    "The diplomacy system makes every empire feel like a real rival.",
    "Mod support is fantastic and the workshop doubles the replay value."};
constexpr SV kStrategyComplaints[] = {
    "The AI cheats on higher difficulties instead of playing smarter.",
    "The late game turns into a slog where every turn takes forever.",
    "Half the content is locked behind overpriced DLC.",
    "Pathfinding is broken and units get stuck on every bridge.",
    "The tutorial explains nothing and the interface is a mess."};
constexpr SV kStrategyTitle[] = {"Empire", "Conquest", "Dominion", "Tactics", "Realm",
                                 "Warlords", "Command", "Frontier", "Colony", "Legion"};

constexpr SV kSurvivalFeatures[] = {"base building", "crafting", "hunger system",
                                    "day and night cycle", "co-op", "progression", "wildlife",
                                    "resource gathering", "weather system", "dedicated servers"};
constexpr SV kSurvivalPraise[] = {
    "Building a base with {friends} and surviving the first night is pure magic.",
    "The crafting system is deep without being grindy.",
    "Exploring the world always turns up something new.",
    "Co-op is where this game shines, we laughed for hours.",
    "The day and night cycle makes every expedition feel risky."};
constexpr SV kSurvivalComplaints[] = {
    "The grind is unbearable, you spend hours chopping trees for one upgrade.",
    "Official servers wipe constantly and all your progress is gone.",
    "Early access forever, the roadmap has not moved in two years.",
    "The hunger system is so punishing that it stops being fun.",
    "Raiders destroyed my base while I was offline and there is nothing you can do."};
constexpr SV kSurvivalTitle[] = {"Wilds", "Outpost", "Haven", "Stranded", "Frost", "Island",
                                 "Ashes", "Horizon", "Exodus", "Tundra"};

constexpr SV kRacingFeatures[] = {"handling", "car list", "tracks", "career mode", "physics",
                                  "online races", "tuning", "force feedback", "photo mode",
                                  "drift mode"};
constexpr SV kRacingPraise[] = {
    "The handling feels great on a controller and even better on a wheel.",
    "The car list is huge and every car sounds different.",
    "Career mode kept me busy for weeks.",
    "The tracks are gorgeous, especially in the rain.",
    "Online races are clean and the penalty system works."};
constexpr SV kRacingComplaints[] = {
    "The physics feel floaty and the cars handle like boats.",
    "Force feedback is broken on most wheels.",
    "The rubber band AI makes career mode a frustrating mess.",
    "Online lobbies are full of people who ram you off the track.",
    "Half the cars are microtransactions."};
constexpr SV kRacingTitle[] = {"Velocity", "Drift", "Apex", "Turbo", "Grand Prix", "Nitro",
                               "Rally", "Circuit", "Overdrive", "Redline"};

constexpr SV kPuzzleFeatures[] = {"puzzles", "level design", "difficulty curve", "hints",
                                  "art style", "mechanics", "soundtrack", "secrets",
                                  "final chapter", "level editor"};
constexpr SV kPuzzlePraise[] = {
    "Every puzzle teaches you something new without a single tutorial popup.",
    "The aha moments are incredibly satisfying.",
    "A relaxing game with a beautiful art style and a calm soundtrack.",
    "The difficulty curve is perfect, hard but always fair.",
    "I finished it in one weekend and immediately wanted more."};
constexpr SV kPuzzleComplaints[] = {
    "Some puzzles rely on pixel hunting instead of logic.",
    "It is over in three hours, way too short for the price.",
    "The difficulty spikes out of nowhere in the last chapter.",
    "The controls are imprecise, which is fatal for a puzzle game.",
    "No hint system, I had to look up half the solutions."};
constexpr SV kPuzzleTitle[] = {"Prism", "Echo", "Lumen", "Fragments", "Paradox", "Mosaic",
                               "Clockwork", "Portal", "Enigma", "Lantern"};

constexpr SV kSimulationFeatures[] = {"management", "economy", "career", "traffic", "workshop",
                                      "realism", "modding", "sandbox mode", "physics",
                                      "automation"};
constexpr SV kSimulationPraise[] = {
    "Incredibly relaxing, I lose track of time every evening.",
    "The level of detail is insane and the economy actually makes sense.",
    "Sandbox mode lets you build whatever you want.",
    "The workshop is full of great mods.",
    "It scratches the same itch as the classics but with modern quality of life."};
constexpr SV kSimulationComplaints[] = {
    "The simulation falls apart once your city gets big, the traffic just jams.",
    "Performance tanks in the late game even on a high end PC.",
    "The economy is broken, you can never go bankrupt.",
    "Endless DLC for features that should have been in the base game.",
    "It feels like a mobile game with a timer on everything."};
constexpr SV kSimulationTitle[] = {"Tycoon", "Simulator", "Manager", "Factory", "Farm",
                                   "Metro", "Harbor", "Airline", "Builder", "Station"};

constexpr SV kHorrorFeatures[] = {"atmosphere", "sound design", "jump scares", "monster AI",
                                  "lighting", "story", "chase sequences", "puzzles",
                                  "co-op mode", "ending"};
constexpr SV kHorrorPraise[] = {
    "The atmosphere is so thick that I had to play with the lights on.",
    "Sound design is top notch, play it with headphones.",
    "Genuinely terrifying without relying on cheap jump scares.",
    "The monster AI hunts you in ways you do not expect.",
    "Playing it in co-op with {friends} was the most fun I had all year."};
constexpr SV kHorrorComplaints[] = {
    "It is not scary at all, just dark corridors and loud noises.",
    "The monster AI is so cheap that dying stops being scary and becomes annoying.",
    "The story makes no sense and the ending is a cop out.",
    "Too many jump scares and no real tension.",
    "The chase sequences are trial and error with checkpoints far apart."};
constexpr SV kHorrorTitle[] = {"Dread", "Hollow", "Whispers", "Asylum", "Nightfall", "Static",
                               "Silence", "Manor", "Remnant", "Abyss"};

constexpr SV kPlatformerFeatures[] = {"controls", "level design", "boss fights", "pixel art",
                                      "soundtrack", "collectibles", "speedrun mode",
                                      "movement", "difficulty", "secret levels"};
constexpr SV kPlatformerPraise[] = {
    "The controls are tight and every death feels like my own fault.",
    "The pixel art and the soundtrack are absolutely gorgeous.",
    "Boss fights are creative and never overstay their welcome.",
    "Movement feels so good that I started speedrunning it.",
    "Full of secrets and clever level design."};
constexpr SV kPlatformerComplaints[] = {
    "The controls are floaty and the hitboxes are unfair.",
    "Difficulty for the sake of difficulty, with checkpoints miles apart.",
    "The camera keeps getting in the way during jumps.",
    "Short, and the collectibles are pure padding.",
    "The last world is a massive difficulty spike."};
constexpr SV kPlatformerTitle[] = {"Jump", "Pixel", "Sky", "Tiny", "Leap", "Moon", "Spark",
                                   "Runner", "Bounce", "Castle"};

constexpr SV kSportsFeatures[] = {"career mode", "ultimate team", "commentary", "animations",
                                  "online seasons", "roster", "ball physics", "servers",
                                  "controls", "licenses"};
constexpr SV kSportsPraise[] = {
    "Career mode is deep and the new animations look great.",
    "Online seasons are fun and the matchmaking is quick.",
    "The ball physics finally feel right.",
    "Playing couch co-op with {friends} is a blast.",
    "All the official licenses are there and the rosters are up to date."};
constexpr SV kSportsComplaints[] = {
    "Same game as last year with a new roster and full price.",
    "Ultimate team is pay to win and the packs are a casino.",
    "The commentary repeats the same three lines every match.",
    "The servers disconnect in the middle of matches and count it as a loss.",
    "Scripted momentum decides matches more than skill."};
constexpr SV kSportsTitle[] = {"League", "Champions", "Pro", "Arena", "Legends", "Stadium",
                               "Derby", "World Cup", "All Stars", "Season"};

constexpr Genre kGenres[] = {
    {"shooter", "shooter", kShooterFeatures, kShooterPraise, kShooterComplaints, kShooterTitle},
    {"rpg", "RPG", kRpgFeatures, kRpgPraise, kRpgComplaints, kRpgTitle},
    {"strategy", "strategy game", kStrategyFeatures, kStrategyPraise, kStrategyComplaints,
     kStrategyTitle},
    {"survival", "survival game", kSurvivalFeatures, kSurvivalPraise, kSurvivalComplaints,
     kSurvivalTitle},
    {"racing", "racing game", kRacingFeatures, kRacingPraise, kRacingComplaints, kRacingTitle},
    {"puzzle", "puzzle game", kPuzzleFeatures, kPuzzlePraise, kPuzzleComplaints, kPuzzleTitle},
    {"simulation", "sim", kSimulationFeatures, kSimulationPraise, kSimulationComplaints,
     kSimulationTitle},
    {"horror", "horror game", kHorrorFeatures, kHorrorPraise, kHorrorComplaints, kHorrorTitle},
    {"platformer", "platformer", kPlatformerFeatures, kPlatformerPraise, kPlatformerComplaints,
     kPlatformerTitle},
    {"sports", "sports game", kSportsFeatures, kSportsPraise, kSportsComplaints, kSportsTitle},
};

// ---- Languages ----------------------------------------------------------------------------------

constexpr SV kSchinesePos[] = {"这游戏太好玩了，强烈推荐。", "画面很好，剧情也很棒。",
                               "和朋友一起玩非常开心。", "良心游戏，物超所值。",
                               "玩了很久还是很喜欢。", "优化不错，手感很好。"};
constexpr SV kSchineseNeg[] = {"服务器太卡了，根本没法玩。", "bug太多，经常闪退。",
                               "价格太贵，不值这个钱。", "已退款，浪费时间。",
                               "优化太差，掉帧严重。", "外挂太多，体验极差。"};
constexpr SV kRussianPos[] = {"Отличная игра, всем советую.", "Графика и сюжет на высоте.",
                              "Играю с друзьями каждый вечер.", "Лучшая игра в жанре.",
                              "Затягивает на сотни часов.", "Стоит своих денег."};
constexpr SV kRussianNeg[] = {"Игра постоянно вылетает.", "Сервера лагают, играть невозможно.",
                              "Слишком дорого для такого качества.", "Куча багов, оформил возврат.",
                              "Разработчики забросили игру.", "Оптимизация ужасная."};
constexpr SV kSpanishPos[] = {"Muy buen juego, lo recomiendo.", "La historia es increíble.",
                              "Los gráficos son preciosos.", "Lo juego con mis amigos todos los días.",
                              "Vale cada centavo.", "Una obra maestra del género."};
constexpr SV kSpanishNeg[] = {"El juego se cierra cada cinco minutos.",
                              "Los servidores no funcionan.", "Demasiado caro para lo que ofrece.",
                              "Lleno de bugs, pedí el reembolso.", "Muy mal optimizado.",
                              "No lo compren."};
constexpr SV kGermanPos[] = {"Tolles Spiel, klare Empfehlung.", "Die Grafik ist wunderschön.",
                             "Macht mit Freunden unglaublich viel Spaß.",
                             "Die Geschichte hat mich gefesselt.", "Jeden Cent wert.",
                             "Eines der besten Spiele der letzten Jahre."};
constexpr SV kGermanNeg[] = {"Das Spiel stürzt ständig ab.", "Die Server sind eine Katastrophe.",
                             "Viel zu teuer für den Inhalt.", "Voller Bugs, ich habe es erstattet.",
                             "Schlecht optimiert.", "Leider nicht zu empfehlen."};
constexpr SV kFrenchPos[] = {"Très bon jeu, je recommande.", "Les graphismes sont magnifiques.",
                             "L'histoire est passionnante.", "Génial entre amis.",
                             "Il vaut largement son prix.", "Un des meilleurs jeux du genre."};
constexpr SV kFrenchNeg[] = {"Le jeu plante sans arrêt.", "Les serveurs sont injouables.",
                             "Beaucoup trop cher pour ce que c'est.",
                             "Plein de bugs, remboursé.", "Très mal optimisé.",
                             "Je ne le recommande pas."};
constexpr SV kBrazilianPos[] = {"Jogo muito bom, recomendo.", "Os gráficos são lindos.",
                                "A história é incrível.", "Muito divertido com os amigos.",
                                "Vale cada centavo.", "Melhor jogo que já joguei."};
constexpr SV kBrazilianNeg[] = {"O jogo trava o tempo todo.", "Os servidores são horríveis.",
                                "Caro demais para o que oferece.", "Cheio de bugs, pedi reembolso.",
                                "Otimização péssima.", "Não recomendo."};

constexpr Language kLanguages[] = {
    {"english", 0.46, {}, {}},
    {"schinese", 0.15, kSchinesePos, kSchineseNeg},
    {"russian", 0.10, kRussianPos, kRussianNeg},
    {"spanish", 0.05, kSpanishPos, kSpanishNeg},
    {"brazilian", 0.04, kBrazilianPos, kBrazilianNeg},
    {"german", 0.035, kGermanPos, kGermanNeg},
    {"french", 0.025, kFrenchPos, kFrenchNeg},
    {"turkish", 0.02, {}, {}},
    {"polish", 0.02, {}, {}},
    {"koreana", 0.02, {}, {}},
    {"japanese", 0.015, {}, {}},
    {"tchinese", 0.015, {}, {}},
    {"italian", 0.01, {}, {}},
    {"portuguese", 0.008, {}, {}},
    {"czech", 0.006, {}, {}},
    {"thai", 0.006, {}, {}},
    {"ukrainian", 0.006, {}, {}},
    {"swedish", 0.004, {}, {}},
    {"dutch", 0.004, {}, {}},
    {"hungarian", 0.003, {}, {}},
    {"finnish", 0.002, {}, {}},
    {"danish", 0.002, {}, {}},
    {"norwegian", 0.002, {}, {}},
    {"greek", 0.002, {}, {}},
    {"romanian", 0.002, {}, {}},
    {"vietnamese", 0.002, {}, {}},
    {"latam", 0.003, {}, {}},
};

// ---- Sentences ----------------------------------------------------------------------------------

constexpr SV kPositiveOpeners[] = {
    "One of the best {noun}s I have played in years.",
    "{game} is an absolute gem.",
    "I did not expect much from {game} but it blew me away.",
    "Easily worth the money.",
    "After {hours} hours I can say this is a masterpiece.",
    "If you like {noun}s, just buy it.",
    "Great gameplay, great story, great graphics.",
    "This game is {good}.",
    "Bought it on sale and I regret not buying it sooner.",
    "{game} is the {noun} I have been waiting for.",
    "What a ride."};
constexpr SV kPositiveSentences[] = {
    "The {aspect} is {good}, and I loved the {feature} even more.",
    "The gameplay loop is addictive and I keep coming back.",
    "The graphics are {good}, especially the lighting.",
    "The story kept me hooked until the very end.",
    "Played it with {friends} and we had a blast.",
    "There is enough depth in the {feature} to keep you busy for hundreds of hours.",
    "The soundtrack is {good} and fits every moment.",
    "Runs smoothly even on my old laptop.",
    "The developers listen to the community and patch things quickly.",
    "Every update adds something meaningful for free.",
    "Great value for {price} dollars.",
    "I have sunk {hours} hours into it and still find new things.",
    "Controls feel responsive and a lot of love went into the {feature}.",
    "The {aspect} alone is worth the price.",
    "It respects your time, no grinding and no microtransactions.",
    "Co-op with {friends} is where it really shines.",
    "The story is {good} and the characters are memorable.",
    "Gameplay is smooth and rewarding from start to finish.",
    "A perfect game to play with friends on a Friday night.",
    "The graphics and the {feature} are {good}."};
constexpr SV kNegativeOpeners[] = {
    "Do not buy this game.",
    "I really wanted to like {game}.",
    "Save your money.",
    "What a disappointment.",
    "I refunded {game} after {n} hours.",
    "This is not the {noun} you are looking for.",
    "Honestly {bad}.",
    "Not recommended in its current state.",
    "I have {hours} hours in this and I regret most of them.",
    "Another broken release."};
constexpr SV kNegativeSentences[] = {
    "The game crashes every time I {bug}.",
    "Constant crashes to desktop, even after verifying the files.",
    "The servers are down half the time and matchmaking takes forever.",
    "Full of bugs, like {bug}.",
    "Way too expensive for what it is, {price} dollars for a few hours of content.",
    "I asked for a refund after it crashed for the {n}th time.",
    "I found the {feature} {bad}, and the {aspect} is not much better.",
    "Performance is terrible, it stutters even on a high end PC.",
    "The developers abandoned it and stopped answering on the forums.",
    "Microtransactions everywhere, it feels like a cash grab.",
    "The latest patch broke my save and nobody cares.",
    "Lost connection to the server {n} times in one evening.",
    "The {aspect} is {bad}.",
    "Loading times are ridiculous.",
    "The optimization is a joke, my frame rate drops to {n}.",
    "Support never answered my ticket about the bug where {bug}."};
constexpr SV kMixedSentences[] = {
    "The {aspect} could be better, but it does not ruin the experience.",
    "It has a few bugs, but nothing game breaking.",
    "The price is a bit high, so wait for a sale.",
    "The first few hours are slow.",
    "Getting used to the {feature} takes some time.",
    "I wish there was more content.",
    "Multiplayer is hit or miss depending on the time of day.",
    "It is clearly inspired by other {noun}s, for better and for worse."};
constexpr SV kPositiveClosers[] = {"10/10 would play again.", "Highly recommended.",
                                   "Buy it, you will not regret it.", "Can't wait for the sequel.",
                                   "Thumbs up.", "9/10.", "Worth every penny."};
constexpr SV kNegativeClosers[] = {"Avoid.", "2/10.", "Maybe after a few more patches.",
                                   "Wait for a big sale or skip it.", "Refunded.",
                                   "Not worth the money.", "Thumbs down."};
constexpr SV kShortPositive[] = {"Great game.", "10/10", "Good game.", "Masterpiece.",
                                 "Very fun with friends.", "Best {noun} ever.", "Just buy it.",
                                 "Addictive.", "Love it.", "gud gam"};
constexpr SV kShortNegative[] = {"Crashes constantly.", "Refunded.", "Not worth it.", "Broken.",
                                 "Servers are dead.", "Boring.", "Cash grab.", "Too many bugs.",
                                 "Unplayable.", "Waste of money."};

// ---- Fillers ------------------------------------------------------------------------------------

constexpr SV kAspects[] = {"story",  "gameplay",   "graphics",        "soundtrack", "art style",
                           "combat", "level design", "voice acting", "user interface",
                           "pacing", "multiplayer", "world",          "writing"};
constexpr SV kGoodAdjectives[] = {"amazing", "fantastic", "beautiful", "brilliant", "excellent",
                                  "superb", "gorgeous", "addictive", "polished", "fun"};
constexpr SV kBadAdjectives[] = {"a mess", "terrible", "broken", "boring", "awful",
                                 "unfinished", "clunky", "lazy", "frustrating", "mediocre"};
constexpr SV kBugs[] = {"open the map", "load a save", "alt tab", "join a multiplayer match",
                        "enter the second area", "change the graphics settings",
                        "try to fast travel", "talk to a certain NPC", "quit to the menu",
                        "fall through the floor"};
constexpr SV kFriendGroups[] = {"my friends", "a couple of friends", "my brother",
                                "my girlfriend", "my roommates", "some random people online",
                                "my kids", "two old school friends"};

constexpr SV kTitleAdjectives[] = {"Crimson", "Iron",   "Silent", "Broken", "Eternal", "Hidden",
                                   "Savage",  "Golden", "Frozen", "Burning", "Lost",   "Last",
                                   "Neon",    "Hollow", "Wild",   "Sunken", "Dark",   "Final"};
constexpr SV kTitleNouns[] = {"Tide",   "Crown",  "Harbor", "Signal", "Garden", "Engine",
                              "Spire",  "Covenant", "Orbit", "Legacy", "Rift",  "Protocol",
                              "Citadel", "Voyage", "Outlaw", "Dynasty", "Storm", "Circuit"};
constexpr SV kTitlePlaces[] = {"the North", "Eldoria", "Mars", "the Deep", "Avalon",
                               "the Wastes", "Kessler Bay", "Neo Tokyo", "Blackwater",
                               "the Old Gods"};
constexpr SV kTitleSubtitles[] = {"Reborn", "Remastered", "Definitive Edition", "Origins",
                                  "Redemption", "Uprising", "Awakening", "Anniversary Edition",
                                  "Episode One", "Gold Edition"};

}  // namespace

std::span<const Genre> genres() { return kGenres; }
std::span<const Language> languages() { return kLanguages; }

Phrases positive_openers() { return kPositiveOpeners; }
Phrases positive_sentences() { return kPositiveSentences; }
Phrases negative_openers() { return kNegativeOpeners; }
Phrases negative_sentences() { return kNegativeSentences; }
Phrases mixed_sentences() { return kMixedSentences; }
Phrases positive_closers() { return kPositiveClosers; }
Phrases negative_closers() { return kNegativeClosers; }
Phrases short_positive_reviews() { return kShortPositive; }
Phrases short_negative_reviews() { return kShortNegative; }

Phrases aspects() { return kAspects; }
Phrases good_adjectives() { return kGoodAdjectives; }
Phrases bad_adjectives() { return kBadAdjectives; }
Phrases bugs() { return kBugs; }
Phrases friend_groups() { return kFriendGroups; }

Phrases title_adjectives() { return kTitleAdjectives; }
Phrases title_nouns() { return kTitleNouns; }
Phrases title_places() { return kTitlePlaces; }
Phrases title_subtitles() { return kTitleSubtitles; }

}  // namespace quarry::cli
