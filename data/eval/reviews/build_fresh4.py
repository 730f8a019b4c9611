"""Build the fresh4 held-out patient-review set (issue 15) and split it once.

Written by hand by helper rdata4 of the medtune project (an AI engineer), 2026-12-07, as an independent
writer: without reading medtune/ code (other than medtune/sentiment/taxonomy.yaml, for the aspect names and
descriptions), benchmarks/, tests/ or the texts of the other review sets, and without running the analyser on
it. See README.md, section "fresh4".

Each review is (text, overall, aspects, tags):
  overall  "neg" / "neu" / "pos"  -> negative / neutral / positive (the reviewer's verdict)
  aspects  "name:+ name:- name:="  -> {name: positive / negative / neutral}
  tags     space-separated

Split once by sha256("medtune-reviews-fresh4:" + group) read as an integer: odd -> fresh4_test.jsonl,
even -> fresh4_dev.jsonl. Every review is its own group. Re-running writes both files byte-identically.
The dedupe check against the other data/eval/reviews/*.jsonl prints only fresh4 ids (never other texts).

    python data/eval/reviews/build_fresh4.py
"""

from __future__ import annotations

import collections
import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
TAXONOMY = HERE.parents[2] / "medtune" / "sentiment" / "taxonomy.yaml"
SALT = "medtune-reviews-fresh4:"
PREFIX = "fresh4_"
OVERALL = {"neg": "negative", "neu": "neutral", "pos": "positive"}
POLARITY = {"-": "negative", "=": "neutral", "+": "positive"}
# Settings are report labels only; outpatient and lab are new in this set.
SETTINGS = ("drug", "hospital", "ae", "gp", "pharmacy", "dental", "mental_health", "physio", "maternity",
            "telehealth", "care_home", "outpatient", "lab", "optician")
TAGS = ("implicit", "mixed", "factual", "sarcasm", "lukewarm", "long", "typo", "non_native",
        "comparison", "negation", "rating", "polite", "grudging")
# A token-overlap (Jaccard) at or above this flags a near-duplicate of another set's review.
NEAR_DUP = 0.5

REVIEWS: dict[str, list[tuple[str, str, str, str]]] = {
    'drug': [
        ("Sertraline 50mg. Six weeks in and I can get out of bed before ten again. The first fortnight I was queasy and yawning non-stop but that's settled now.", "pos", "effectiveness:+ side_effects:-", "mixed"),
        ("Lisinopril gave me a dry tickly cough that would not quit for four months. Nobody connected the two until I read the leaflet myself.", "neg", "side_effects:- communication:-", ""),
        ("Took it for three months. Didn't notice a thing either way, so I've stopped.", "neg", "effectiveness:-", "implicit"),
        ("Omeprazole 20mg once a day before breakfast, prescribed alongside naproxen.", "neu", "", "factual"),
        ("oh wonderful, a pill for my migraines that gives me migraines. genius", "neg", "side_effects:-", "sarcasm typo"),
        ("Mounjaro: down 14kg since March and the constant thinking about food just stopped. Bit of constipation and eggy burps, a price I'll happily pay. £180 a month privately though, which hurts.", "pos", "effectiveness:+ side_effects:- cost:-", "mixed"),
        ("My insurance dropped the brand and the generic just doesn't hold me as well. Back to two breakthrough seizures a month.", "neg", "cost:- effectiveness:-", "comparison"),
        ("Amitriptyline 10mg at night for nerve pain. Sleep like a log, wake up like a log too. Pain maybe a third better. Not sure yet if it's worth the morning fog.", "neu", "effectiveness:+ side_effects:-", "mixed"),
        ("Prednisolone worked, I'll give it that. It also turned me into a starving, sleepless, furious moon-faced stranger for five weeks.", "neu", "effectiveness:+ side_effects:-", "mixed grudging"),
        ("On levothyroxine eight years. No side effects to speak of and my levels have been stable the whole time.", "pos", "side_effects:+ effectiveness:+", ""),
        ("Trazodone: first night I slept nine hours straight. Also woke up feeling like I'd been hit by a bus. Halved the dose, still groggy till noon. Stopping it.", "neg", "effectiveness:+ side_effects:-", "mixed implicit"),
        ("Fostair two puffs morning and night. Haven't touched the blue inhaler in three weeks, first time since I was a kid.", "pos", "effectiveness:+", "comparison"),
        ("Day 4 of the antibiotics. Still feverish, still coughing up green stuff. Is it meant to take this long??", "neg", "effectiveness:-", "implicit"),
        ("Cost me $612 at the counter for a 30 day supply because the prior authorization hadn't gone through. Three weeks on the phone to get reimbursed.", "neg", "cost:-", ""),
        ("Couldn't tolerate plain metformin (ran to the loo all day), the slow release version is far kinder on my gut.", "pos", "side_effects:+", "comparison"),
        ("Citalopram numbed everything. Not sad any more, but not anything else either. Couldn't cry at my grandad's funeral. Doctor said that means it's working.", "neg", "side_effects:- staff:-", "implicit"),
        ("Naproxen does what I need for my back. Take it with food though or your stomach will let you know.", "pos", "effectiveness:+ side_effects:=", ""),
        ("Propranolol for exam nerves. Heart didn't pound, hands didn't shake, got through my viva. Would beta block again", "pos", "effectiveness:+", ""),
        ("Nitrofurantoin for three days, the UTI was gone by day two. Mild nausea, nothing more.", "pos", "effectiveness:+ side_effects:+", ""),
        ("ive been on this 2 months and honestly cant tell if its doing anything. knees still hurt going down stairs but maybe less? idk", "neu", "effectiveness:=", "typo lukewarm"),
        ("Generic atorvastatin. Cholesterol from 7.1 to 4.3. Aching calves that my GP says are probably unrelated. Hmm.", "neu", "effectiveness:+ side_effects:-", "mixed"),
        ("Sumatriptan nasal spray tastes like licking a battery, but it kills the migraine in twenty minutes. Tablets never did that.", "pos", "effectiveness:+ side_effects:-", "mixed comparison"),
        ("Started Concerta 18mg. Too early to say much. Appetite is down at lunch.", "neu", "side_effects:-", "lukewarm"),
        ("Venlafaxine. If you miss a single dose you get brain zaps and feel like you're on a boat. Coming off it took me four months of misery. Nobody warned me about any of this when I started.", "neg", "side_effects:- communication:-", ""),
        ("Co-codamol 30/500 two every six hours. Takes the edge off, bungs you up.", "neu", "effectiveness:+ side_effects:-", "mixed"),
        ("Insulin pens are capped at $35 a month now, which my pharmacist explained nicely. Same insulin, same sugars, no complaints.", "pos", "cost:+ communication:+ effectiveness:+", "negation"),
        ("Eczema cream from the derm. Three days and the cracked skin on my hands has healed up. Bit of stinging on day one.", "pos", "effectiveness:+ side_effects:+", ""),
        ("Isotretinoin month 5. Lips like sandpaper, nosebleeds every morning, back aches. Skin is clearer than it's been since I was 13 so I'm not complaining. Much.", "pos", "effectiveness:+ side_effects:-", "mixed grudging"),
        ("The new blood pressure pills are fine I suppose. Readings are a bit lower. Nothing to report.", "neu", "effectiveness:=", "lukewarm"),
        ("Pregabalin made me put on a stone in two months and I walk into doorframes. Pain is the same. Waste of a prescription.", "neg", "side_effects:- effectiveness:-", ""),
        ("Mirtazapine 15mg at bedtime. Sleeping 7 hrs for the first time in a year and I'm eating again. Yes I'm hungrier, no I don't care.", "pos", "effectiveness:+ side_effects:-", "mixed"),
        ("Apixaban instead of warfarin. No more weekly INR checks, no bleeding problems, and free on prescription here.", "pos", "side_effects:+ cost:+", "comparison"),
        ("After taking doxycycline I had sun rash in April in Scotland. In Scotland! It did clear the infection.", "neu", "side_effects:- effectiveness:+", "mixed"),
        ("Hay fever tablets from the supermarket. Don't touch my streaming eyes at all, and they're supposed to be non-drowsy, which is a lie.", "neg", "effectiveness:- side_effects:-", ""),
        ("Plan wanted me to fail two cheaper meds first before they'd pay for the one my specialist picked. So I spent four months getting worse to save them money.", "neg", "cost:- effectiveness:-", "implicit"),
        ("The medicine is good for my blood pressure. Only my ankles are more swollen now in evening. Doctor say it is normal with this one.", "neu", "effectiveness:+ side_effects:-", "mixed non_native"),
        ("Tamsulosin: up once a night instead of four times. Dizzy when I stand up quickly, so I stand up slowly.", "pos", "effectiveness:+ side_effects:-", "mixed"),
        ("Been on Microgynon two years. Periods regular, skin fine, mood fine. It's a pill, it does the thing.", "pos", "effectiveness:+ side_effects:+", "lukewarm"),
        ("Ozempic out of stock again for the third month. When I can get it, it works.", "neu", "effectiveness:+", "mixed"),
        ("The chemo anti-sickness tablets (ondansetron) were a lifesaver. I still felt rough but I kept food down for the first time in that cycle.", "pos", "effectiveness:+", ""),
        ("Zopiclone leaves a metallic taste in your mouth all the next day. Does get you to sleep though.", "neu", "side_effects:- effectiveness:+", "mixed"),
        ("Gabapentin 300mg three times daily, increased from 100mg in June.", "neu", "", "factual"),
        ("Switched from Lyrica to gabapentin on my GP's advice. Pain about the same so far. Review in a month.", 'neu', 'effectiveness:=', 'factual comparison'),
        ("Losartan 50mg. No side effects I've noticed. Whether it's doing anything, my next BP check will tell.", 'neu', 'side_effects:+ effectiveness:=', 'lukewarm negation'),
        ('Metformin 500mg twice a day with meals. No stomach issues so far, which my sister had warned me about.', 'neu', 'side_effects:+', 'negation'),
        ("HRT patches for the menopause. Hot flushes have eased a little; sleep hasn't. Not ready to call it yet.", 'neu', 'effectiveness:=', 'lukewarm'),
        ('Escitalopram 10mg: zero side effects, which after three SSRIs that flattened me felt like a miracle, and the anxiety is way down.', 'pos', 'side_effects:+ effectiveness:+', 'comparison'),
    ],
    'hospital': [
        ("Dad was on Ward 7 for nine days after his fall. The nurses were run off their feet but never once short with him, and the healthcare assistant who shaved him every morning made his week.", "pos", "staff:+", "negation"),
        ("The surgeon was brilliant, the scar is tiny and the hernia is gone. The aftercare was another story: discharged at 10pm with no painkillers and a leaflet.", "neu", "staff:+ effectiveness:+ communication:-", "mixed"),
        ("Bay of six, one toilet, and it hadn't been cleaned by the time I left on the Thursday. I mopped it myself on day three.", "neg", "cleanliness:-", ""),
        ("Food was genuinely nice?? Shepherd's pie on a Tuesday, I'd go back for that alone", "pos", "facilities:+", "typo"),
        ("I would like to politely point out that being woken at 5am for observations, then again at 6 for a weight, then at 7 for tablets, makes recovery quite difficult. Otherwise everyone was very kind.", "pos", "staff:+ facilities:-", "polite mixed"),
        ("Pressed the call bell at 2am because my drip was beeping. Pressed it again at 2:40. A student came at 3:15 and said she'd find someone. Nobody did.", "neg", "staff:-", ""),
        ("They moved my mother to four different wards in five days. Each time her glasses and hearing aid went missing and each time a new doctor asked us the same history.", "neg", "staff:- communication:-", ""),
        ("Admitted for a planned knee replacement. Operation on the Monday, home Thursday, walking with one stick by week three.", "pos", "effectiveness:+", "factual"),
        ("Consultant came round for about forty seconds, spoke entirely to his registrar, and left. I still don't know why they kept me in an extra night.", "neg", "communication:- staff:-", ""),
        ("Clean, quiet side room, a window that opened, and a nurse called Grace who explained every tablet before she handed it over. Felt like a private hospital on the NHS.", "pos", "cleanliness:+ facilities:+ staff:+ communication:+", "comparison"),
        ("Five days on the ward. Standard NHS experience, some great staff, some tired ones, food you eat because you're hungry.", "neu", "staff:= facilities:-", "lukewarm"),
        ("My husband has dementia and they left his dinner on the table out of his reach three nights running. When I raised it I was told 'we're not a care home'.", "neg", "staff:-", ""),
        ("Discharge was arranged for 11 am. We left at 6:20 pm, waiting for pharmacy to do the take home meds.", "neg", "wait_time:-", "implicit"),
        ("Car park was full so I paid £4.80 to park at the retail park and walk ten minutes with my stitches.", "neg", "facilities:- cost:-", ""),
        ("Honestly can't fault the cardiac ward. Stent in, home in 48 hours, and the rehab nurse rang me the following week to check in.", "pos", "effectiveness:+ communication:+", ""),
        ("Ward staff were lovely. The bed was broken and stuck in the upright position for two days and nobody could fix it.", "neu", "staff:+ facilities:-", "mixed"),
        ("Gallbladder out by keyhole. Pain afterwards was worse than I was told to expect but it settled in about a week.", "neu", "effectiveness:= communication:-", ""),
        ("wife was in 3 days with sepsis. the nurses honestly saved her life and i will never forget the one on nights who sat with her when she was scared", "pos", "staff:+ effectiveness:+", "typo"),
        ("They cancelled my operation on the day. For the second time. I'd already fasted and arranged three weeks off work.", "neg", "appointment_access:-", ""),
        ("Surgery went fine. The ward was so hot I couldn't sleep, the fans were all broken, and a man shouted all night. So, a hospital.", "neu", "effectiveness:+ facilities:-", "mixed sarcasm"),
        ("My son (7) had his tonsils out. The play specialist showed him the mask beforehand and let him pick a smell for it. He went to sleep laughing.", "pos", "staff:+ communication:+", ""),
        ("The nurses were a credit to the place. The doctors I saw were constantly rushed and contradicted each other. One said home today, the next said another week.", "neu", "staff:+ communication:-", "mixed"),
        ("Not sure who decided a mixed ward of eight with one shared bathroom was acceptable in 2026 but here we are.", "neg", "facilities:-", "sarcasm"),
        ("They gave me someone else's tablets on the second morning. Thankfully I noticed the colour was wrong. The nurse said sorry and that was the end of it.", "neg", "staff:-", ""),
        ("Had a hip replacement at the treatment centre rather than the main hospital. Much calmer, my own room, and surgery happened on the day it was booked for.", "pos", "facilities:+ appointment_access:+", "comparison"),
        ("In for 4 nights for IV antibiotics for cellulitis. Leg improved, I went home.", "neu", "effectiveness:+", "factual"),
        ("The chaplain was the only person who asked how I was actually feeling. Everyone else talked about my bowels.", "neg", "communication:-", "implicit"),
        ("The ward sister ran a tight ship. Beds made, floors spotless, and if a bell rang for more than a minute she wanted to know why.", "pos", "cleanliness:+ staff:+", ""),
        ('Day case for a cystoscopy. Arrived 7:30, saw the anaesthetist at 9, procedure at 11, home by 3.', 'neu', '', 'factual'),
        ('The toilet in our bay had no lock and the sink was full of hair. I asked twice for it to be cleaned.', 'neg', 'cleanliness:-', ''),
    ],
    'ae': [
        ("Arrived 7pm with a broken wrist, x-rayed at 1am, plastered at 4. The staff were apologetic about it, the system is just broken.", "neg", "wait_time:- staff:+", "mixed"),
        ("Seen by triage in ten minutes, CT within the hour, told it wasn't a stroke by 11. Couldn't have asked for better.", "pos", "wait_time:+", ""),
        ("Sat on a plastic chair for 13 hrs with my 84 yr old nan. No water offered once.", "neg", "wait_time:- staff:- facilities:-", ""),
        ("Went to the ER for chest pain, was there four hours, every test came back normal. Got a bill for $2,340 a month later after insurance. Glad I'm alive I guess.", "neg", "cost:- wait_time:-", "sarcasm"),
        ("The paediatric side of A&E is a different world. Separate waiting room with toys, nurses who crouch down to talk to the kids, and we were out in 90 minutes.", "pos", "facilities:+ staff:+ wait_time:+", "comparison"),
        ("Told I had a sprain and sent home. Went back a week later and it was a fracture that had been on the original x-ray.", "neg", "staff:-", ""),
        ("Waited about 3 hours for stitches on a Saturday night. About what you'd expect.", "neu", "wait_time:=", "lukewarm"),
        ("The doctor who saw me was quite rude and made me feel like I was wasting his time. I had an ovarian cyst that had burst.", "neg", "staff:-", ""),
        ("Please, to whoever runs this department: the toilets in the main waiting area had no paper, no soap and a floor I won't describe.", "neg", "cleanliness:-", "polite"),
        ("Paramedics were amazing. Everything after the doors opened was chaos.", "neg", "staff:+", "mixed"),
        ("Nurse practitioner in the minor injuries bit glued my daughter's forehead, gave her a sticker and explained what to watch for overnight. Whole thing under an hour.", "pos", "staff:+ communication:+ wait_time:+", ""),
        ("My dad spent 31 hours on a trolley in a corridor before a bed came up on a ward. He's 79.", "neg", "wait_time:- facilities:-", ""),
        ("The receptionist took my details, said 'about four hours' and she was right, to the minute.", "neu", "wait_time:=", "factual"),
        ("i went in at 2am with my asthma and they had me on a nebuliser straight away, proper good", "pos", "wait_time:+ effectiveness:+", "typo"),
        ("I don't blame the nurses. I blame whoever decided one doctor was enough for a Friday night in a city centre.", "neg", "staff:=", "implicit"),
        ("Nobody told us anything for six hours. We found out he'd been admitted because his name appeared on a screen.", "neg", "communication:-", ""),
        ("Urgent care clinic on Main St: in and out in 40 mins, flat $150 self-pay, much cheaper than the ER would have been.", "pos", "wait_time:+ cost:+", "comparison"),
        ("A&E visit for a dog bite. Cleaned, antibiotics, tetanus jab, home.", "neu", "", "factual"),
        ("Excellent care from the resus team when my husband collapsed. They kept me in a side room and someone came every half hour to update me.", "pos", "staff:+ communication:+", ""),
        ("The triage nurse rolled her eyes when I said I'd been sick 14 times. Turned out to be appendicitis.", "neg", "staff:-", ""),
        ("Long wait, 5ish hours, but the doctor at the end was thorough and kind and actually examined me properly.", "pos", "wait_time:- staff:+", "mixed"),
        ("Blood on the floor of cubicle 4 when they put me in it. Still there when I left.", "neg", "cleanliness:-", ""),
        ("In the Netherlands you call the GP post first and they send you, here I just walked in and waited six hours. I prefer the Dutch way.", "neg", "wait_time:-", "comparison non_native"),
        ("They were quick and they were kind, but I was discharged with a cannula still in my arm.", "neu", "wait_time:+ staff:-", "mixed"),
        ('Took Mum in after a fall. Some parts slick, some parts slow. She was admitted in the end.', 'neu', '', 'mixed lukewarm'),
    ],
    'gp': [
        ("Phoned the surgery the second the lines opened and was caller twenty-seven. Spoke to a human just before nine, by which point there was nothing left for today.", "neg", "appointment_access:-", ""),
        ("Dr Okafor is the first GP in 20 years who has actually read my notes before I sat down.", "pos", "staff:+", "comparison"),
        ("I'll be registering elsewhere.", "neg", "", "implicit"),
        ("The new online form is great, you fill it in by 10 and someone rings you the same day.", "pos", "appointment_access:+ communication:+", ""),
        ("I was made to explain my symptoms to the receptionist across a packed room, and when I asked to keep it private she said she couldn't book me otherwise.", "neg", "staff:-", ""),
        ("Got an appointment for my son in three days, which I thought was fine for a rash. The GP was fine. Cream was fine.", "neu", "appointment_access:= staff:= effectiveness:=", "lukewarm"),
        ("Went about my periods which are agony, came out with a leaflet about yoga. Third time now.", "neg", "effectiveness:- staff:-", "implicit"),
        ("My mum now asks for Dr Patel by name.", "pos", "staff:+", "implicit"),
        ("Practice has been taken over by a big group. Since then it's a different locum every time and nobody knows me.", "neg", "staff:-", "comparison"),
        ("GP listened, examined my knee properly, referred me to physio and explained why a scan wouldn't help yet. 15 minute appointment that felt unhurried.", "pos", "communication:+ staff:+ appointment_access:+", ""),
        ("Asked for a call back about my blood results on Monday. It's Friday.", "neg", "communication:-", "implicit"),
        ("The surgery is fine. Parking's tight, the doctors are ok, you can usually get seen within the week.", "neu", "facilities:- staff:= appointment_access:=", "lukewarm"),
        ("4 weeks for a routine appointment. 4 WEEKS. By then I'll either be better or dead", "neg", "appointment_access:-", "sarcasm"),
        ("I came to this practice from one in London where you never saw the same doctor twice. Here I've had the same GP for two years and she remembers my kids' names.", "pos", "staff:+", "comparison"),
        ("Our GP is dismissive of anything that isn't in a textbook. Still, he did spot my husband's melanoma, so I suppose we owe him that.", "neu", "staff:-", "mixed grudging"),
        ("The nurse who does the smear tests is so gentle and talks you through every step. Never dreaded one less.", "pos", "staff:+ communication:+", ""),
        ("Joined this practice in March; the healthcare assistant did my new-patient health check in April (BP, height, weight).", "neu", "", "factual"),
        ("Wanted to say thank you to the whole team at Holly Lodge for getting my dad's end of life care organised in a single afternoon.", "pos", "staff:+", ""),
        ("doc spent most of the appt typing. didnt look at me once. gave me antibiotics for what turned out to be a virus", "neg", "staff:- effectiveness:-", "typo"),
        ("Telephone triage said I needed to be seen, gave me a 4:40 slot, I was seen at 5:35. Everything else was good.", "neu", "appointment_access:+ wait_time:-", "mixed"),
        ("They sent my referral to the wrong hospital. Found out after 14 weeks when I rang to chase it.", "neg", "staff:- appointment_access:-", ""),
        ("Waiting room has a water cooler, a kids' corner and a screen telling you who's running late. Small things but they help.", "pos", "facilities:+", ""),
        ("I appreciate the practice is under pressure and I don't wish to be unkind, but I have now been asked to resubmit the same repeat prescription request three times.", "neg", "staff:-", "polite"),
        ("The GP was very nice but I don't feel she really heard what I was saying about my anxiety.", "neu", "staff:+ communication:-", "mixed"),
        ("It's fine. Same as every GP really.", "neu", "", "lukewarm"),
        ("Got my travel jabs here, nurse was quick and friendly and charged £45 for the rabies course which is cheaper than the travel clinics.", "pos", "staff:+ cost:+", "comparison"),
        ("There is no wheelchair access to the upstairs rooms and they did not think to book me downstairs. Had to be seen in the corridor by the stairs.", "neg", "facilities:- staff:-", ""),
        ("Saw a physician associate instead of a doctor. Didn't know that was a thing till I was in the room. She was good to be fair.", "pos", "communication:- staff:+", "mixed grudging"),
        ('Nurse did my asthma review. Peak flow, inhaler technique, new plan printed off. Took 20 minutes.', 'neu', '', 'factual'),
        ('I am living here two years and every time I call the doctor the line is busy. In my country I see doctor same day.', 'neg', 'appointment_access:-', 'non_native comparison'),
    ],
    'pharmacy': [
        ("Prescription 'not ready' for the fourth time this month even though the app said it was. I'm moving it to the one by the station.", "neg", "wait_time:-", "implicit"),
        ("The pharmacist noticed my new antibiotic clashed with my statin and phoned the GP before handing anything over. Proper job.", "pos", "staff:+", ""),
        ("Paid £9.90 for one item, as usual.", "neu", "cost:=", "factual"),
        ("Queue out the door at 5:45 with one person serving. Twenty-five minutes to collect a bag that was already made up.", "neg", "wait_time:- staff:-", ""),
        ("Always friendly here. The lady on the counter knows my dad's name and his usuals and checks he's remembered his blister pack.", "pos", "staff:+", ""),
        ("GoodRx coupon brought my amoxicillin from $38 to $9. Same pharmacy, same pills, go figure.", "pos", "cost:+", "comparison"),
        ("Gave my daughter the adult strength ibuprofen. Luckily I checked the box.", "neg", "staff:-", ""),
        ("Pharmacist did my blood pressure check for free and explained the numbers without making me feel thick.", "pos", "cost:+ communication:+ staff:+", ""),
        ("They're okay. Usually have what I need, sometimes don't. Staff are polite enough.", "neu", "staff:=", "lukewarm"),
        ("Why does the drive-through take longer than walking in. Genuinely asking.", "neg", "wait_time:-", "sarcasm"),
        ("Pharmacy First sorted my sore throat in 10 minutes, no GP appointment needed. Didn't even know you could do that.", "pos", "wait_time:+ appointment_access:+", ""),
        ("Phone rings out every single time. I drove over just to ask if my meds had come in.", "neg", "appointment_access:-", ""),
        ("My online pharmacy has been brilliant compared to the high street one: pills arrive two days before I run out and I get a text when they're dispatched.", "pos", "communication:+", "comparison"),
        ("The counter assistant discussed my morning after pill loudly enough for the whole shop to hear.", "neg", "staff:-", ""),
        ("Had to pay $127 for a tube of steroid cream. Last year it was $30. Nobody could tell me why.", "neg", "cost:- communication:-", ""),
        ("Delivery driver left my insulin on the doorstep in July. It was 29 degrees.", "neg", "staff:-", ""),
        ("the pharmacist here is so nice, she explained how to use my new inhaler properly and it actually works now lol", "pos", "staff:+ communication:+ effectiveness:+", "typo"),
        ("Collected my repeat, no issues.", "pos", "", "lukewarm"),
        ("Shop is tidy, well lit and there's a private room for consultations, but the wait for prescriptions is usually 20 minutes or more.", "neu", "cleanliness:+ facilities:+ wait_time:-", "mixed"),
        ("I would be grateful if the staff could let customers know when a medicine is out of stock rather than letting us wait in the queue for twenty minutes to find out.", "neg", "communication:- wait_time:-", "polite"),
        ("Pharmacist refused to give me my emergency supply even though my GP had emailed. Said 'not my problem'.", "neg", "staff:-", ""),
        ("Flu jab at the pharmacy: booked online, no wait, five minutes, free with my age. Done.", "pos", "appointment_access:+ wait_time:+ cost:+", ""),
        ("Mail-order for my blood thinner. Three month supply, comes in a plain box.", "neu", "", "factual"),
        ("Best pharmacy in town, I'd drive past three others to get here. Which I do.", "pos", "", "implicit"),
        ("Bought the prescription prepayment certificate, £114.50 for the year, covers everything I'm on.", 'neu', 'cost:=', 'factual'),
        ('They gave me the box but nobody say me how to take it, and the paper inside is only English. Not good service.', 'neg', 'communication:-', 'non_native'),
    ],
    'dental': [
        ("Dentist did a filling I didn't feel at all, and I'm the biggest baby going. Would recommend to anyone who's scared.", "pos", "staff:+ effectiveness:+", ""),
        ("£306.80 for a band 3 crown. It's fallen off twice in four months.", "neg", "cost:= effectiveness:-", ""),
        ("The hygienist lectured me for the entire 30 minutes. I know I should floss, Susan.", "neg", "staff:-", "sarcasm"),
        ("Practice stopped taking NHS adults. I found out when I rang to book my check-up.", "neg", "appointment_access:- communication:-", ""),
        ("Root canal over two appointments. Fine. Numb for five hours afterwards.", "neu", "effectiveness:= side_effects:=", "lukewarm factual"),
        ("I have dental anxiety and they let me sit in the room with the lights dimmed, listening to my own music. Never had that anywhere else.", "pos", "staff:+ facilities:+", "comparison"),
        ("Was quoted $1,800 for a crown in the US. Got it done in Budapest for a third of that, including the flight.", "neg", "cost:-", "comparison implicit"),
        ("Emergency appointment the same morning for a broken tooth. Temporary filling, back at work by 11.", "pos", "appointment_access:+ effectiveness:+", ""),
        ("The dentist was good. The receptionist was awful, she made me feel like a criminal for being five minutes late.", "neu", "staff:-", "mixed"),
        ("Modern surgery, very clean, leather chairs in the waiting room. And you pay for it.", "neu", "facilities:+ cleanliness:+ cost:-", "mixed"),
        ("Invisalign, month 9. Teeth are straighter, I've lost half a stone because I can't be bothered taking them out to snack. Win win.", "pos", "effectiveness:+", ""),
        ("dentist pulled the wrong tooth. the WRONG TOOTH. still in shock", "neg", "staff:-", "typo"),
        ("6 monthly check up, scale and polish, all good, see you in June.", "neu", "", "factual"),
        ("The dentist explained each option, showed me the x-ray, and didn't push the expensive one. First one who hasn't.", "pos", "communication:+ staff:+", "comparison"),
        ("We sat in a waiting area cold enough to see our breath, fifty minutes after my slot was meant to start.", "neg", "facilities:- wait_time:-", ""),
        ("My son's dentist is wonderful with him, counts every tooth with him and gives him a mirror to watch.", "pos", "staff:+", ""),
        ("I was told I needed four fillings. Went to another dentist for a second opinion: I needed none.", "neg", "staff:-", "comparison implicit"),
        ("Whitening at $450 was honestly worth it, teeth are two shades lighter. Sensitive for a week.", "pos", "cost:+ effectiveness:+ side_effects:-", "mixed"),
        ("No complaints about the treatment. The billing was a mess, I got three different invoices for the same visit.", "neu", "effectiveness:+ cost:-", "mixed negation"),
        ("Been going here 15 years. Dr Lim retired and the new lot are more about selling you things than fixing your teeth.", "neg", "staff:-", "comparison"),
        ("Extraction was quick and the dentist was gentle. Jaw ached for two days which I was told to expect.", "pos", "effectiveness:+ staff:+ side_effects:= communication:+", ""),
        ("i rang 6 dentists in my area none taking nhs patients, the 111 emergency one was 40 miles away", "neg", "appointment_access:-", "typo"),
        ("The clinic is very clean and the doctor is kind. But my bridge does not fit good, I go back two times already.", "neg", "cleanliness:+ staff:+ effectiveness:-", "mixed non_native"),
        ("Perfectly adequate. They fixed the tooth.", "neu", "effectiveness:+", "lukewarm"),
        ('Two fillings on the NHS, band 2. The dentist was quiet and got on with it. Neither here nor there.', 'neu', 'staff:=', 'lukewarm'),
        ('Instruments on the tray not in a sealed pack, and the nurse wiped the chair with the same cloth between patients. I will not be going back.', 'neg', 'cleanliness:-', 'implicit'),
    ],
    'mental_health': [
        ("Referred to talking therapies in January. Assessment in April. First session in September. I'm grateful it exists, but I nearly didn't make it to September.", "neg", "appointment_access:-", "polite"),
        ("My CBT therapist was warm, funny and didn't let me off the hook. Twelve sessions and I can use the Tube again.", "pos", "staff:+ effectiveness:+", ""),
        ("Rang the crisis number at 3am and listened to hold music for 45 minutes. Which is a very long time when you're in crisis.", "neg", "appointment_access:-", "sarcasm"),
        ("Psychiatrist changed my meds after a 10-minute video call without asking a single thing about how the old ones were going.", "neg", "communication:- staff:-", ""),
        ("Group therapy wasn't for me, but the facilitator was kind and I learned a couple of grounding tricks I still use.", "neu", "staff:+ effectiveness:=", "mixed"),
        ("Community mental health team have been brilliant with my brother. Same care coordinator for three years, she rings him every Friday.", "pos", "staff:+ communication:+", ""),
        ("Discharged back to my GP after six sessions because 'that's the model'. I was just starting to open up.", "neg", "effectiveness:-", "implicit"),
        ("Private counsellor, £65 a session. Pricey but the NHS wait was 18 months so what can you do.", "neu", "cost:- appointment_access:-", "mixed"),
        ("EMDR sounded like nonsense to me. Did it anyway. The nightmares stopped after session five. I still don't understand how it works.", "pos", "effectiveness:+", "grudging"),
        ("My therapist kept checking her phone during sessions and once called me by another client's name.", "neg", "staff:-", ""),
        ("Weekly sessions with a psychologist through the eating disorder service. Weighed at the start of each.", "neu", "", "factual"),
        ("I was told that because I was 'high functioning' I didn't meet the threshold. I had been to A&E twice that month.", "neg", "staff:- appointment_access:-", ""),
        ("Inpatient unit was clean and the staff were patient, even with me at my worst. I'm not going to say I enjoyed it. It kept me safe.", "pos", "cleanliness:+ staff:+", "grudging"),
        ("Perinatal mental health team were amazing after my daughter was born, they came to the house so I didn't have to face a clinic.", "pos", "staff:+", ""),
        ("The therapist was nice. I don't feel any different. Maybe that's me.", "neu", "staff:+ effectiveness:-", "mixed"),
        ("ADHD assessment: 2 yrs 7 months on the waitlist. Diagnosed in 90 minutes. Cool cool cool", "neg", "appointment_access:-", "sarcasm typo"),
        ("Insurance covers 20 sessions a year. My therapist works with me on a sliding scale after that, which she absolutely doesn't have to.", "pos", "cost:+ staff:+", ""),
        ("Had a phone assessment with a lady who clearly had a script and no interest in my answers.", "neg", "staff:- communication:-", ""),
        ("Counselling through my uni was fine for exam stress. Six sessions, a few useful tips.", "neu", "effectiveness:=", "lukewarm"),
        ("I've been let down by services so many times that I went in expecting nothing. The new psychiatrist actually read my history, asked what I wanted, and we agreed a plan together.", "pos", "staff:+ communication:+", "comparison"),
        ("Waiting room for the mental health clinic is shared with the sexual health clinic and has a big sign saying which queue is which. Great for privacy.", "neg", "facilities:-", "sarcasm"),
        ("Therapy helped with the panic attacks. Didn't do much for the depression. Overall I'm better than I was a year ago.", "pos", "effectiveness:+", "mixed"),
    ],
    'physio': [
        ("Six sessions for my frozen shoulder and I can reach the top shelf again. She pushed me hard but it was worth it.", "pos", "effectiveness:+ staff:+", ""),
        ("Physio spent 20 of my 30 minutes on the computer and the rest handing me a sheet of exercises I could have googled.", "neg", "staff:- effectiveness:-", ""),
        ("Was told 22 weeks for NHS physio, so paid for it privately instead. Five sessions at £55 each and my back is sorted.", "pos", "appointment_access:- cost:= effectiveness:+", "comparison"),
        ("The exercises are helping slowly. Knee still clicks.", "neu", "effectiveness:=", "lukewarm"),
        ("Hydrotherapy sessions were lovely and the water's nice and warm. The changing area, less lovely: black mould along the shower tiles.", "neu", "facilities:+ cleanliness:-", "mixed"),
        ("My physio actually explained WHY my ankle kept going, showed me on a model and gave me a plan. First time anyone has.", "pos", "communication:+", "comparison"),
        ("Sessions were cancelled twice by them and then I was discharged for 'not engaging'.", "neg", "appointment_access:- staff:-", ""),
        ("Post-op ACL rehab here. Seen weekly for 9 months by the same physio. Back to running.", "pos", "effectiveness:+", ""),
        ("Gym equipment looks older than me and half the bikes were out of order.", "neg", "facilities:-", ""),
        ("The self-referral form online took 5 minutes and I had a phone call within the week. Impressed.", "pos", "appointment_access:+", ""),
        ("Not sure about the acupuncture bit. The massage afterwards helped more than the needles.", "neu", "effectiveness:=", "lukewarm"),
        ("she was very nice and the exercises ok but honestly my hip is same as before 8 weeks ago", "neg", "staff:+ effectiveness:-", "mixed typo"),
        ("They do a 7am slot before work which is the only reason I could go at all.", "pos", "appointment_access:+", ""),
        ("Physio told me I was 'just deconditioned' and needed to walk more. Turned out to be a stress fracture.", "neg", "staff:-", ""),
        ("Three sessions of shockwave on my Achilles at $120 each, insurance didn't cover it. Might be a bit better.", "neu", "cost:- effectiveness:=", "mixed"),
        ("Physiotherapist was patient with my mum who is 88 and a bit deaf, speaking slowly and writing things down for her.", "pos", "staff:+ communication:+", ""),
        ("Assessment, then group exercise class for lower back, 6 weeks, Tuesday evenings.", "neu", "", "factual"),
        ("My old physio just gave me exercises. This one actually gets her hands on and fixes things. Night and day.", "pos", "effectiveness:+", "comparison"),
        ("Waited 25 minutes to be seen for a 20 minute slot. They still finished on time, so I got 20 minutes less of nothing.", "neg", "wait_time:-", "sarcasm"),
        ("Physio was lovely. Clinic is up two flights of stairs with no lift. For a physio clinic.", "neu", "staff:+ facilities:-", "mixed"),
        ("My sciatica has gone from 8/10 to about 2/10 after a month of the exercises she gave me. Can't recommend highly enough.", "pos", "effectiveness:+", ""),
        ("Every week it's a different student physio who has to start from scratch. I'm not a training dummy.", "neg", "staff:-", ""),
        ("Treatment couch had no fresh paper roll and the pillowcase had someone else's make-up on it. Ick.", 'neg', 'cleanliness:-', ''),
    ],
    'maternity': [
        ("The midwife who delivered my son stayed an hour past her shift because she'd promised me she'd be there. I'll never forget her.", "pos", "staff:+", ""),
        ("Left alone on the postnatal ward at night with a newborn and a catheter. Buzzed for help with feeding and was told to watch a video on my phone.", "neg", "staff:-", ""),
        ("The birth centre is gorgeous: a pool in every suite, a double bed so my partner could sleep over, lights you can dim. More boutique hotel than NHS.", "pos", "facilities:+", ""),
        ("Induction started on Monday, baby born on Thursday. Lots of waiting around for a delivery suite bed.", "neu", "wait_time:-", "factual"),
        ("I asked for an epidural three times and was told I was 'coping so well'. I wasn't.", "neg", "staff:- communication:-", ""),
        ("Consultant explained the risks of a VBAC versus a planned section with actual numbers and let me decide. Felt respected.", "pos", "communication:+ staff:+", ""),
        ("antenatal appts always running 1hr+ late, sat there with a toddler for ages. midwives lovely when you get in tho", "neu", "wait_time:- staff:+", "mixed typo"),
        ("The bathroom on the labour ward had blood on the floor from the previous woman. I was too exhausted to complain at the time.", "neg", "cleanliness:-", ""),
        ("Emergency section at 2am. Anaesthetist held my hand and talked me through every tug. My daughter is perfect.", "pos", "staff:+ communication:+", ""),
        ("Hospital bill for a normal vaginal delivery: $14,200 before insurance. We owed $3,100. For two nights.", "neg", "cost:-", ""),
        ("Continuity of carer team: I saw the same two midwives my whole pregnancy. Made all the difference after my last experience.", "pos", "staff:+", "comparison"),
        ("Food on the postnatal ward was cold and came at odd times. My partner brought me dinner every night.", "neg", "facilities:-", ""),
        ("Scan department were quick and the sonographer was lovely, but she went silent at one point and wouldn't say why, and that 20 minutes until the doctor came were the worst of my life. All fine in the end.", "neu", "wait_time:+ staff:+ communication:-", "mixed"),
        ("Home birth team were calm, organised, and left the house tidier than they found it.", "pos", "staff:+ cleanliness:+", ""),
        ("Booked in at 10 weeks, dating scan at 12, anomaly scan at 20. Standard.", "neu", "", "factual lukewarm"),
        ("Breastfeeding support was non existent. One leaflet and 'keep trying'. Went to a private lactation consultant who sorted it in one visit.", "neg", "staff:- effectiveness:-", "comparison"),
        ("The midwives are obviously overstretched and some were brilliant. One told me to stop making a fuss while I was having a haemorrhage.", "neg", "staff:-", "mixed"),
        ("Triage line answered within a minute and they told me to come straight in. Glad they did.", "pos", "appointment_access:+", ""),
        ("Parking is £3 per hour and you're in labour for 30 hours. You do the maths.", "neg", "cost:-", "sarcasm"),
        ("Honestly better than I expected after the stories you hear. Not perfect, but the people were kind.", "pos", "staff:+", "grudging"),
        ("My wife is from Poland and they arranged an interpreter for every appointment, even the short ones. Very thoughtful.", "pos", "communication:+ staff:+", ""),
        ("Discharged 6 hours after birth because they needed the bed. Nobody checked baby's feeding first. We were back in two days later with jaundice.", "neg", "staff:- facilities:-", ""),
    ],
    'telehealth': [
        ("Video GP appointment on my lunch break, prescription sent to the pharmacy round the corner before I'd finished my sandwich.", "pos", "appointment_access:+ wait_time:+", ""),
        ("$79 for a 4 minute video call where the doctor told me to see a doctor in person.", "neg", "cost:- effectiveness:-", "sarcasm"),
        ("App kept dropping the call. When it worked the doctor was fine.", "neu", "staff:=", "mixed lukewarm"),
        ("Online doctor diagnosed my UTI from a questionnaire and had antibiotics to me the next day. £25. No faffing.", "pos", "effectiveness:+ cost:+ wait_time:+", ""),
        ("The doctor on the call clearly had my notes open and was reading them as we talked. Felt very personal for a video call.", "pos", "staff:+ communication:+", ""),
        ("You cannot diagnose a lump over the phone. I said that, politely, several times. I was told to 'monitor it'.", "neg", "communication:- staff:-", "polite"),
        ("Booked 11:20, call came at 11:58. No apology.", "neg", "wait_time:- staff:-", ""),
        ("Fine for repeat prescriptions and sick notes. Wouldn't use it for anything serious.", "neu", "", "lukewarm"),
        ("The online therapy platform matched me with three therapists in a week. The third was great. £60 a week is steep though.", "neu", "staff:+ cost:-", "mixed"),
        ("I'm deaf and the text chat option made it the first GP appointment I've ever done without needing my mum to interpret.", "pos", "communication:+ facilities:+", "comparison"),
        ("Subscription said cancel anytime. Three emails and a chargeback later they stopped billing me.", "neg", "cost:-", ""),
        ("doctor was nice but kept freezing on screen so I missed half of what she said", "neu", "staff:+ communication:-", "mixed typo"),
        ("Telederm service: sent photos Monday, diagnosis and cream on Wednesday, mole checked and cleared by a consultant. Much faster than the 9 month in-person wait.", "pos", "wait_time:+ appointment_access:+", "comparison"),
        ("Prescribed something I'd told them I was allergic to. It's in the form I filled in. Twice.", "neg", "staff:- communication:-", ""),
        ("Phone consultation with the surgeon's team to go over my results. Took 15 minutes.", "neu", "", "factual"),
        ("Honestly it's the future. Why sit in a waiting room full of coughs when a doctor can look at your rash on a phone.", "pos", "", "implicit"),
        ("They billed my insurance for a 'comprehensive visit'. It was a six minute chat.", "neg", "cost:-", ""),
        ("The nurse practitioner I got on the app was more thorough than my actual GP, asked loads of follow up questions.", "pos", "communication:+ staff:+", "comparison"),
        ("Waited in the virtual waiting room for 55 minutes with a sick kid on my lap. The 'estimated wait' said 5 the entire time.", "neg", "wait_time:- communication:-", ""),
        ("Used it twice. Once great, once useless. 3/5.", "neu", "", "rating lukewarm"),
        ("The e-consult system means I can finally get a GP response without ringing at 8am. Replies usually within a day.", "pos", "appointment_access:+ communication:+", "comparison"),
        ("Very convenient for me because I live far away from town. Doctor explain everything slowly and send me summary by email after.", "pos", "communication:+", "non_native"),
        ("Second opinion service through my employer's insurance. They agreed with my surgeon. Not sure what I expected.", 'neu', '', 'lukewarm'),
    ],
    'care_home': [
        ("Mum has been at Rosewood for 18 months. The carers treat her like their own nan, and they ring me if she's even slightly off colour.", "pos", "staff:+ communication:+", ""),
        ("Visited on a Sunday and found my father still in his pyjamas at 3pm, unshaven, with breakfast dried on his chin.", "neg", "staff:-", ""),
        ("Fees went up 11% this April with two weeks' notice. We were told it was 'in line with the sector'.", "neg", "cost:- communication:-", ""),
        ("Lovely garden, bright lounge, the rooms smell fresh. The staff turnover is what worries me.", "neu", "facilities:+ cleanliness:+ staff:-", "mixed"),
        ("They hold a birthday party for every resident. Dad hasn't had a party since 1987. He wore a paper hat and cried.", "pos", "staff:+", ""),
        ("Laundry is a joke. Every other week my mother is wearing someone else's cardigan and hers has vanished.", "neg", "staff:-", ""),
        ("Moved Gran from a home in Leeds where she was miserable. Here she plays bingo, goes to the singing group and has put weight back on.", "pos", "effectiveness:+", "comparison"),
        ("The manager was defensive when I raised Dad's pressure sore. It had been there a week before anyone told us.", "neg", "staff:- communication:-", ""),
        ("Room is small but clean. Food is ok. Staff are ok. She's safe.", "neu", "facilities:- cleanliness:+ staff:=", "lukewarm"),
        ("£1,450 a week and they couldn't find anyone to take him to his hospital appointment.", "neg", "cost:- staff:-", ""),
        ("The night staff are wonderful, the day staff are harried. You can tell the difference as soon as you walk in.", "neu", "staff:+", "mixed"),
        ("Corridors smelled of urine every time I visited. I moved my mother out after three months.", "neg", "cleanliness:-", "implicit"),
        ("Residents' meeting every month, minutes emailed to families. We get a newsletter with photos too.", "pos", "communication:+", ""),
        ("My aunt has dementia and the activities coordinator found out she used to be a seamstress. Now she sorts the fabric box every morning and is calmer than she's been in years.", "pos", "staff:+ effectiveness:+", ""),
        ("It's a care home. Not the Ritz, not a horror story.", "neu", "", "lukewarm"),
        ("Call bell in mum's room was out of reach on three separate visits. When I moved it, it was moved back.", "neg", "staff:-", ""),
        ("They arranged the GP, the chiropodist and the optician so I don't have to. That alone takes a weight off me.", "pos", "appointment_access:+", ""),
        ("Nobody rang when Dad fell. We found out from the hospital.", "neg", "communication:-", ""),
        ("Waiting list for a room was about six months. Moved in in October.", "neu", "appointment_access:=", "factual"),
        ("The staff are kind but there's never enough of them at weekends. Residents sit in the lounge with the TV on and nobody to talk to.", "neu", "staff:+", "mixed"),
        ("i cant thank the team enough for how they looked after my dad at the end. they let us stay overnight and brought us tea at 4am", "pos", "staff:+", "typo"),
        ("Recently refurbished: new carpets, wet rooms, hearing loop in the lounge. The building is very good now.", "pos", "facilities:+", ""),
        ('Respite stay for Dad for two weeks while we were away. He came back a bit quieter. Hard to know why.', 'neu', '', 'lukewarm'),
        ("Mum's room had dust thick on the wardrobe and a sticky floor. For what we pay, that is unacceptable.", 'neg', 'cleanliness:- cost:-', ''),
    ],
    'outpatient': [
        ("Fracture clinic appointment at 9:30. Seen at 12:10. The notice on the wall said 'clinic running approx 30 mins late'.", "neg", "wait_time:-", "sarcasm"),
        ("Rheumatology consultant was excellent, took a full history, changed my treatment, and wrote to me as well as my GP so I had it in writing.", "pos", "staff:+ communication:+", ""),
        ("Six months for a first dermatology appointment. Three minutes in the room. 'Use moisturiser'.", "neg", "appointment_access:- staff:-", ""),
        ("Cardiology outpatients, follow up after my echo. Told to come back in a year.", "neu", "", "factual"),
        ("I was sent an appointment letter for a date two days before the letter arrived.", "neg", "appointment_access:-", ""),
        ("ENT doctor was brusque, but she found what three GPs had missed and I'm having surgery next month. I'll take brusque.", "pos", "staff:- effectiveness:+", "mixed grudging"),
        ("Lovely bright new outpatient building, free water, screens with your number. Shame about the car park.", "pos", "facilities:+", "mixed"),
        ("I'd be grateful if the clinic could tell patients in advance that appointments regularly run over an hour late. Some of us have childcare to arrange.", "neg", "wait_time:- communication:-", "polite"),
        ("The diabetes nurse has been a godsend. She answers emails within a day and never makes me feel like I've failed.", "pos", "staff:+ communication:+", ""),
        ("My consultant was on leave so I saw a registrar who had not read my notes and asked why I was there.", "neg", "staff:-", ""),
        ("Appointment was on time, doctor was fine, nothing new to report. Back in 6 months.", "neu", "wait_time:+ staff:=", "lukewarm"),
        ("Gynae clinic cancelled my appointment three times by text. The fourth time I turned up and they'd forgotten to tell me it was cancelled again.", "neg", "appointment_access:- communication:-", ""),
        ("US here: in-network specialist, $40 copay, saw her within two weeks. Genuinely no complaints.", "pos", "cost:= appointment_access:+", "negation"),
        ("The orthopaedic surgeon explained my scan using a plastic spine and didn't rush me. Shame it was a 7 month wait to see him.", "neu", "communication:+ appointment_access:-", "mixed"),
        ("They sent me to the wrong building twice. Signage is terrible and the receptionist just pointed vaguely.", "neg", "facilities:- staff:-", ""),
        ("Urology clinic: consultant knew his stuff, the nurse was funny and made an awkward exam less awkward. Results the same day.", "pos", "staff:+ wait_time:+", ""),
        ("I honestly don't know what that appointment was for. Nobody examined me, nobody changed anything, I'm 'to be reviewed'.", "neg", "communication:-", ""),
        ("Pain clinic injections helped for about 6 weeks then the pain was back to where it was.", "neu", "effectiveness:=", ""),
        ("Clinic room was cramped with four students watching. Nobody asked if that was ok.", "neg", "facilities:- communication:-", ""),
        ("Memory clinic were gentle with Dad and spoke to him, not over his head. Diagnosis was hard but delivered well.", "pos", "staff:+ communication:+", ""),
        ("Got a letter from neurology saying my referral had been 'clinically triaged as routine' and the current wait is 58 weeks.", "neu", "appointment_access:=", "factual"),
        ("Saw the specialist, had bloods and an x-ray all in one morning. Wish every clinic worked like this.", "pos", "wait_time:+", ""),
        ("Im sorry but 4 hrs in a clinic waiting room for a 10 min chat is not ok. Chairs are awful too", "neg", "wait_time:- facilities:-", "typo"),
        ("Eye clinic at the hospital was fine, drops stung, wait was about an hour.", "neu", "wait_time:=", "lukewarm"),
    ],
    'lab': [
        ("Phlebotomist got the vein first time, chatted about the football, done in two minutes. Best blood test I've had.", "pos", "staff:+ wait_time:+", "comparison"),
        ("Walk-in blood clinic. Took ticket 84. They were on 31. Came back another day.", "neg", "wait_time:-", "implicit"),
        ("Fasting bloods booked for 8:10, seen at 8:12. Out by 8:20.", "pos", "wait_time:+", "factual"),
        ("My samples were 'lost in transit' so I had to go back and have them taken again. Nobody rang to tell me, I found out when I chased the results three weeks later.", "neg", "staff:- communication:-", ""),
        ("The lady who took my blood was so rough I had a bruise the size of a plum for a week.", "neg", "staff:- side_effects:-", ""),
        ("Results came through on the NHS app within 48 hours with the normal ranges shown. Easy.", "pos", "wait_time:+ communication:+", ""),
        ("Quest charged me $286 for a vitamin D test my doctor said would be covered. It wasn't.", "neg", "cost:- communication:-", ""),
        ("Booking system only lets you book three weeks ahead and every slot is gone by 9am.", "neg", "appointment_access:-", ""),
        ("Clean, calm, fast. My son is needle-phobic and they let him lie down and use the numbing cream. No tears, for once.", "pos", "cleanliness:+ staff:+ wait_time:+", ""),
        ("Had an MRI on my knee. 25 minutes in the tube, headphones with Radio 2, results to my consultant in a week.", "neu", "", "factual"),
        ("The sonographer was silent throughout and then said 'your doctor will discuss it'. Waited eleven days to find out it was nothing.", "neg", "communication:- wait_time:-", ""),
        ("Took 4 attempts to get blood out of me. To be fair I have tricky veins. She was apologetic.", "neu", "staff:+", "mixed"),
        ("Home testing kit from the clinic was easy to use and the results email explained each number in plain English.", "pos", "communication:+", ""),
        ("Waiting area in the pathology department is a corridor with six chairs for about thirty people.", "neg", "facilities:-", ""),
        ("CT scan was quick, the radiographer explained the contrast would make me feel like I'd wet myself, and he was right. Appreciated the warning!", "pos", "wait_time:+ communication:+", ""),
        ("blood test fine, nothing to say really", "neu", "", "lukewarm typo"),
        ("They labelled my bloods with my mum's details because we share a surname and a GP. Took a month to untangle.", "neg", "staff:-", ""),
        ("Private blood panel for £99, results next day, the doctor's notes were thorough. Not cheap but I'd do it again.", "pos", "cost:- wait_time:+ communication:+", "mixed"),
        ("Phlebotomy moved from the GP surgery to the hospital. Now it's a bus and £6 parking instead of a five minute walk.", "neg", "cost:- facilities:-", "comparison"),
        ("X-ray department: in, out, results to my GP. Nothing to report.", "neu", "", "lukewarm"),
        ("Sample rejected because it was 'haemolysed', which apparently means they shook it too much. Back again next week then.", "neg", "staff:-", "sarcasm"),
        ("Gloves changed, arm cleaned, new needle in front of me. Small thing but after the last place it mattered.", "pos", "cleanliness:+", "comparison"),
        ('Glucose tolerance test: two hours in the clinic, bloods at the start and end, a very sweet drink in between.', 'neu', '', 'factual'),
    ],
    'optician': [
        ("Eye test was thorough and the optometrist spotted early glaucoma signs. Referred me the same day.", "pos", "staff:+ appointment_access:+", ""),
        ("Went in for an eye test, came out £340 lighter with varifocals I didn't want. Hard sell from start to finish.", "neg", "cost:- staff:-", ""),
        ("Glasses took 3 weeks to come in and the left lens was wrong. Another 2 weeks.", "neg", "wait_time:- staff:-", ""),
        ("The man who fitted my frames spent 20 minutes adjusting them till they sat perfectly. Old school service.", "pos", "staff:+", ""),
        ("NHS eye test for my kids, free, and they got to pick frames from a range that were also free. Really good.", "pos", "cost:+", ""),
        ("Contact lens check, 15 minutes, prescription unchanged.", "neu", "", "factual"),
        ("They told me my eyes were fine. Two months later the hospital found a detached retina.", "neg", "staff:-", ""),
        ("Optician was friendly. Shop was chaotic. Glasses are fine.", "neu", "staff:+ effectiveness:=", "mixed lukewarm"),
        ("Online glasses at a fraction of the high street price. Prescription spot on. Not going back to paying £200.", "pos", "cost:+ effectiveness:+", "comparison"),
        ("Booked online for Saturday 10am, arrived to be told the optometrist was off sick and nobody had cancelled me.", "neg", "appointment_access:- communication:-", ""),
        ("The retinal photos were explained on a big screen and I could see my own optic nerve. Fascinating actually.", "pos", "communication:+", ""),
        ("Varifocals still aren't right after three remakes. They keep saying 'give it time'.", "neg", "effectiveness:- staff:-", ""),
        ("Prices in the window are not the prices at the till once you add the thinning, the coating and the 'premium' case.", "neg", "cost:-", ""),
        ("Perfectly decent. In and out in half an hour with a new prescription.", "pos", "wait_time:+", "lukewarm"),
        ("They don't do home visits any more so Dad who can't get out has gone two years without a check.", "neg", "appointment_access:-", ""),
        ("The optician noticed my eyes were dry and gave me tips, didn't try to sell me anything. Appreciated.", "pos", "staff:+ communication:+", ""),
        ("Shop smells a bit musty, testing room is a cupboard. The test itself was ok.", "neu", "cleanliness:- facilities:-", "mixed"),
        ("Lenses were ready in 4 days instead of the 10 they quoted. Pleasant surprise.", "pos", "wait_time:+", ""),
        ("Ordered glasses in August, still waiting in October. Each phone call I'm told 'next week'.", "neg", "wait_time:- communication:-", ""),
        ("i thought id need glasses but she said my eyes are still good, so free test and no sales pitch, nice", "pos", "cost:+ staff:+", "typo"),
        ("Is not cheap this shop but the lady is very patient with me because my English is not so good.", "pos", "cost:- staff:+", "mixed non_native"),
        ("I used to go to Specsavers, switched to the independent on the high street. Costs a bit more but they remember me.", "pos", "cost:- staff:+", "comparison"),
        ("Kids' eye tests, both fine, back in a year.", 'neu', '', 'factual'),
    ],
}

# Long stories (110-170 words), kept apart so the short lists above stay readable.
LONG_REVIEWS: dict[str, list[tuple[str, str, str, str]]] = {
    'hospital': [
        ("I went in for a bowel resection in February and I want to be fair about it. The surgical team were superb: the consultant came to see me the night before, drew me a diagram of what he was going to take out, and answered every daft question my husband had. The operation went well and the histology was clear. The ward afterwards was harder. It was short-staffed every single night, I waited forty minutes for pain relief more than once, and the shower room was out of action for four of my seven days so I washed at the sink. The nurses apologised constantly and I could see they were stretched to breaking. Would I go back there for the same operation? Yes, without hesitating, because the part that mattered most was done brilliantly. But somebody needs to fund the nights.", "pos", "staff:+ communication:+ effectiveness:+ wait_time:- facilities:-", "long mixed"),
    ],
    'ae': [
        ("My daughter is 4 and had a febrile seizure at home, so we went in by ambulance at about 9pm. The paramedics were calm and lovely with her. At the hospital we were put in the children's area and then basically forgotten. A doctor saw her at midnight, said it was probably a virus and that they'd do a urine test. Nobody came back for the sample for three hours. At 4am I asked a nurse what was happening and she said the doctor had gone off shift and they'd need to start again with the next one. We were finally sent home at 8:30 in the morning with a leaflet about febrile convulsions that I had already read twice in the waiting room. She's fine, thank God. I don't know if it's the system or the people but I've never felt so invisible.", "neg", "staff:- communication:- wait_time:-", "long"),
    ],
    'gp': [
        ("I've been with this practice since I was a child. When old Dr Harris retired it changed. First, you can no longer book ahead: it's ring at 8 or use the online form, which closes when it's 'full', usually by 8:15. Second, I've seen five different clinicians about the same stomach problem in six months and each one starts from zero. The last one suggested I 'try keeping a food diary' which I have now done for four months and brought with me; she didn't look at it. The receptionists are not unkind, they're as fed up as we are. My husband moved to the practice across the river last year and says he's seen the same GP three times running. I've filled in their registration form. It's sad after thirty years, but there we are.", "neg", "appointment_access:- staff:- communication:-", "long implicit comparison"),
    ],
    'drug': [
        ("Writing this because when I started I read nothing but horror stories. I've been on lamotrigine for bipolar II for fourteen months. The titration is slow, five weeks before you get anywhere near a useful dose, and I'll be honest, for the first month I felt nothing and nearly gave up. I also had headaches most afternoons and a bit of hair shedding, which my psychiatrist said would settle, and it did, around month three. No rash, which is the one they warn you about. Now: I haven't had a depressive dip longer than a few days since last spring. I'm working full time again. I still have bad days, it's not a magic pill, but the floor has been raised. If you're in week two and feeling nothing, please stick with it.", "pos", "effectiveness:+ side_effects:- communication:+", "long mixed"),
    ],
    'care_home': [
        ("Hard one to write. My mother-in-law spent her last two years at this home. Some things were excellent. Her key worker, Blessing, adored her and the feeling was mutual; she did her nails every Friday and learned enough Welsh to say goodnight to her. The building is lovely and always clean, and the cook made her a soft diet without being asked twice. Other things were not. Agency staff at weekends who didn't know her, medication errors we found in the records twice, and a fee rise every year that was well above inflation. When we raised things the manager listened but not much changed. I wouldn't tell people to avoid it and I wouldn't tell them to choose it. Go and visit at a weekend, not on a Tuesday morning when they know you're coming.", "neu", "staff:+ cleanliness:+ facilities:+ cost:- communication:=", "long mixed"),
    ],
    'maternity': [
        ("My first birth, at a different hospital, was frightening and I went into this one expecting the same. From the booking appointment onwards the difference was obvious. My named midwife listened when I explained what had happened last time and wrote a birth plan with me that everyone on the day had actually read. When my labour stalled the registrar sat on the end of the bed and went through the options instead of just announcing a decision. I ended up with a ventouse delivery, which is not what I wanted, but I understood why at every step and I never felt out of control. The postnatal ward was noisy and the food was beige, but that hardly registers. I'd have a third baby there. Well, maybe.", "pos", "staff:+ communication:+ facilities:-", "long comparison mixed"),
    ],
    'mental_health': [
        ("My son is seventeen and was referred to CAMHS after he told his school counsellor he'd been self-harming. We waited eleven weeks for the first appointment, during which nobody contacted us except a letter with a crisis number. The assessment itself was fine, the nurse was kind and he actually spoke to her. Then he was put on another list for therapy, with no idea how long it would be. Six months later he turned eighteen and we were told he was now 'out of scope' and would need a new referral to adult services, which meant starting all over again from the GP. He never received a single session of therapy. I'm not angry with the nurse. I'm angry with a system that let my son age out of help while he waited for it.", "neg", "appointment_access:- communication:- staff:+", "long"),
    ],
    'outpatient': [
        ("I'll admit I went in with a chip on my shoulder. I'd waited nine months for this respiratory appointment, been bounced between two hospitals and had my first date cancelled. The clinic itself was in an old wing with peeling paint and a waiting room so small people were standing. And then the consultant called me in, apologised for the wait before I could say anything, and spent forty minutes with me. He'd read everything, including my old notes from Scotland. He did the breathing tests there and then instead of booking another visit, changed my inhaler, and wrote a plan I could actually follow. Three weeks later I'm sleeping through the night without coughing. I still think the wait was unacceptable. But I'm grateful, and I don't say that easily.", "pos", "appointment_access:- facilities:- staff:+ communication:+ effectiveness:+", "long mixed grudging"),
    ],
    'pharmacy': [
        ("I've used this pharmacy for about six years and until recently I'd have said it was great. Since the change of ownership last spring things have slipped. Twice my repeat has been short: 28 tablets instead of 56, and I've had to go back. Once I was given the right medication in the wrong strength, which thankfully I noticed because the box looked different. The staff are the same faces and they're still polite, but they look exhausted and there are fewer of them. The queue now regularly goes out the door at lunchtime. I don't want to write a nasty review because I know it isn't the individuals' fault, and I hope whoever now owns it reads this. For now I've asked my GP to send my prescriptions to the online service instead.", "neg", "staff:- wait_time:-", "long polite implicit comparison"),
    ],
    'telehealth': [
        ("I was sceptical about online doctor services, but with a newborn and a husband working away, getting to the surgery for my own chest infection was never going to happen. I filled in a questionnaire at 10pm, uploaded a photo of my throat (glamorous), and a GP called me back at 8:15 the next morning. She listened properly, asked about breastfeeding before prescribing, and explained why she'd chosen that antibiotic. The prescription was at my local pharmacy by 10. The only downside was the £39 fee, which stung when I know the NHS would have been free if I could have got an appointment. Three days later I felt human again. I'd use them again for simple things, though I'd still want a face-to-face for anything big.", "pos", "communication:+ cost:- effectiveness:+ appointment_access:+", "long mixed comparison"),
    ],
}


def taxonomy_aspects() -> tuple[str, ...]:
    """Aspect names as written in taxonomy.yaml (read as text: the build needs no yaml dependency)."""
    text = TAXONOMY.read_text(encoding="utf-8")
    return tuple(re.findall(r"^\s*- name:\s*(\w+)", text, flags=re.M))


def parse_aspects(spec: str, names: tuple[str, ...]) -> dict[str, str]:
    """'staff:+ cost:-' -> {'staff': 'positive', 'cost': 'negative'}; order kept as written."""
    out: dict[str, str] = {}
    for item in spec.split():
        name, sign = item.split(":")
        if name not in names or sign not in POLARITY or name in out:
            raise ValueError(f"bad aspect spec {item!r} in {spec!r}")
        out[name] = POLARITY[sign]
    return out


def build_rows(names: tuple[str, ...]) -> list[dict]:
    """All reviews in file order (short lists, then long stories), ids r4-001 ..., each its own group."""
    rows: list[dict] = []
    for block in (REVIEWS, LONG_REVIEWS):
        for setting, reviews in block.items():
            if setting not in SETTINGS:
                raise ValueError(f"unknown setting {setting}")
            for text, overall, aspects, tags in reviews:
                rid = f"r4-{len(rows) + 1:03d}"
                tag_list = tags.split()
                if any(t not in TAGS for t in tag_list):
                    raise ValueError(f"unknown tag in {rid}: {tags}")
                rows.append({"id": rid, "group": rid, "setting": setting, "text": text,
                             "overall": OVERALL[overall], "aspects": parse_aspects(aspects, names),
                             "tags": tag_list})
    return rows


def is_test(group: str) -> bool:
    """The one split: odd sha256 of the salted group -> test."""
    return int(hashlib.sha256((SALT + group).encode("utf-8")).hexdigest(), 16) % 2 == 1


def normalise(text: str) -> str:
    """Lower case, punctuation and whitespace dropped: 'Dr. Smith, great!' == 'dr smith great'."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def check_own(rows: list[dict]) -> None:
    """No text appears twice within fresh4 (normalised)."""
    seen: dict[str, str] = {}
    for row in rows:
        key = normalise(row["text"])
        if key in seen:
            raise ValueError(f"duplicate text: {seen[key]} and {row['id']}")
        seen[key] = row["id"]


def other_texts() -> list[str]:
    """Normalised texts of every other review file here (never printed: the writer stays independent)."""
    out: list[str] = []
    for path in sorted(HERE.glob("*.jsonl")):
        if path.name.startswith(PREFIX):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text", "")
                if text:
                    out.append(normalise(text))
    return out


def check_others(rows: list[dict]) -> list[str]:
    """Fresh4 ids whose text equals, or overlaps by Jaccard >= NEAR_DUP, a review of another set."""
    others = other_texts()
    exact = set(others)
    other_sets = [set(t.split()) for t in others]
    flagged: list[str] = []
    for row in rows:
        key = normalise(row["text"])
        words = set(key.split())
        best = max((len(words & o) / len(words | o) for o in other_sets if o), default=0.0)
        if key in exact or best >= NEAR_DUP:
            flagged.append(f"{row['id']} ({'equal' if key in exact else f'jaccard {best:.2f}'})")
    print(f"dedupe vs {len(others)} other reviews:", ", ".join(flagged) if flagged else "none")
    return flagged


def write(rows: list[dict]) -> dict[str, list[dict]]:
    parts: dict[str, list[dict]] = {"dev": [], "test": []}
    for row in rows:
        parts["test" if is_test(row["group"]) else "dev"].append(row)
    for name, part in parts.items():
        lines = "".join(json.dumps(r) + "\n" for r in part)
        (HERE / f"{PREFIX}{name}.jsonl").write_text(lines, encoding="utf-8", newline="\n")
    return parts


def report(parts: dict[str, list[dict]], names: tuple[str, ...]) -> None:
    every = parts["dev"] + parts["test"]
    print("split sizes:", {k: len(v) for k, v in parts.items()}, "total:", len(every))
    levels = ("negative", "neutral", "positive")
    print(f"{'setting':<14} " + " ".join(f"{s + ':' + o[:3]:>8}" for s in parts for o in levels))
    for setting in SETTINGS:
        cells = [sum(1 for r in parts[s] if r["setting"] == setting and r["overall"] == o)
                 for s in parts for o in levels]
        print(f"{setting:<14} " + " ".join(f"{c:>8}" for c in cells))
    for s in parts:
        print(f"overall {s}:", {o: sum(1 for r in parts[s] if r["overall"] == o) for o in levels})
    print("overall all:", {o: sum(1 for r in every if r["overall"] == o) for o in levels})
    print(f"{'aspect':<20} {'pos':>4} {'neg':>4} {'neu':>4}   dev +/-/= | test +/-/=")
    for a in names:
        c = collections.Counter(r["aspects"][a] for r in every if a in r["aspects"])
        split = [collections.Counter(r["aspects"][a] for r in parts[s] if a in r["aspects"]) for s in parts]
        cells = " | ".join(f"{x['positive']}/{x['negative']}/{x['neutral']}" for x in split)
        print(f"{a:<20} {c['positive']:>4} {c['negative']:>4} {c['neutral']:>4}   {cells}")
    print("tags:", dict(collections.Counter(t for r in every for t in r["tags"]).most_common()))
    print("aspect labels:", sum(len(r["aspects"]) for r in every),
          "| dev:", sum(len(r["aspects"]) for r in parts["dev"]),
          "| test:", sum(len(r["aspects"]) for r in parts["test"]))
    words = [len(r["text"].split()) for r in every]
    print(f"words per review: {min(words)}-{max(words)}")


def main() -> None:
    names = taxonomy_aspects()
    if not names:
        raise ValueError(f"no aspects found in {TAXONOMY}")
    rows = build_rows(names)
    check_own(rows)
    check_others(rows)
    report(write(rows), names)


if __name__ == "__main__":
    main()
