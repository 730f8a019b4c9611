"""Build the fresh3 held-out patient-review set (issue 15, item 4) and split it once.

Written by hand by helper rdata3 of the medtune project (an AI engineer), 2026-12-06, without reading
medtune/ code (other than medtune/sentiment/taxonomy.yaml, for the aspect names), benchmarks/, tests/ or the
texts of the other review sets, and without running the analyser on it. See README.md, section "fresh3".

Each review is (text, overall, aspects, tags):
  overall  "neg" / "neu" / "pos"  -> negative / neutral / positive (the reviewer's verdict)
  aspects  "name:+ name:- name:="  -> {name: positive / negative / neutral}
  tags     space-separated

Split once by sha256("medtune-reviews-fresh3:" + group) read as an integer: odd -> fresh3_test.jsonl,
even -> fresh3_dev.jsonl. Every review is its own group. Re-running writes both files byte-identically.

    python data/eval/reviews/build_fresh3.py
"""

from __future__ import annotations

import collections
import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
TAXONOMY = HERE.parents[2] / "medtune" / "sentiment" / "taxonomy.yaml"
SALT = "medtune-reviews-fresh3:"
OVERALL = {"neg": "negative", "neu": "neutral", "pos": "positive"}
POLARITY = {"-": "negative", "=": "neutral", "+": "positive"}
ASPECTS = ("staff", "wait_time", "communication", "cost", "cleanliness", "effectiveness", "side_effects",
           "facilities", "appointment_access")
# Settings are report labels only; optician and maternity are new in this set.
SETTINGS = ("drug", "hospital", "ae", "gp", "pharmacy", "dental", "physio", "mental_health", "care_home",
            "telehealth", "optician", "maternity")
TAGS = ("implicit", "mixed", "factual", "sarcasm", "lukewarm", "long", "typo", "non_native",
        "comparison", "negation", "rating")

REVIEWS: dict[str, list[tuple[str, str, str, str]]] = {
    'drug': [
        ('Sertraline 50mg. First two weeks I felt awful, queasy all day and wired at night. Stuck with it like my GP said and by week six the fog had lifted. I actually enjoy things again. Worth pushing through the start.', 'pos', 'side_effects:- effectiveness:+', 'mixed'),
        ('Made me dizzy every morning and did nothing for my blood pressure. Switched after a month.', 'neg', 'side_effects:- effectiveness:-', ''),
        ('Metformin. Stomach was a mess for about ten days, then it settled. HbA1c down from 64 to 51 in three months.', 'pos', 'side_effects:- effectiveness:+', 'mixed'),
        ('Started on 5mg amlodipine in March, went up to 10mg in June.', 'neu', '', 'factual'),
        ('its ok i guess. takes the edge off the migraines but dont get rid of them', 'neu', 'effectiveness:=', 'lukewarm typo'),
        ("$480 a month without insurance for an inhaler that's been around for decades. Insane.", 'neg', 'cost:-', ''),
        ('Copay is only $10 with my plan and it works better than the last two I tried.', 'pos', 'cost:+ effectiveness:+', 'comparison'),
        ("Gained 9 kilos in four months on mirtazapine. Sleep is better, sure, but I can't look in the mirror.", 'neg', 'side_effects:- effectiveness:+', 'mixed'),
        ('Not once in two years have I had a side effect from this. Cholesterol is where my doctor wants it.', 'pos', 'side_effects:+ effectiveness:+', 'negation'),
        ("Week 3 on propranolol. My hands don't shake before presentations anymore. Only side effect is a slightly dry mouth, which I can live with.", 'pos', 'effectiveness:+ side_effects:+', ''),
        ('Oh brilliant, a tablet for my heartburn that gives me a headache every single day. Love that for me.', 'neg', 'side_effects:-', 'sarcasm'),
        ('Three months on it. No change in my joint pain whatsoever. Rheumatologist wants me to give it another three.', 'neg', 'effectiveness:-', ''),
        ('The generic is £2 at the supermarket pharmacy and works exactly the same as the branded one I used to pay £8 for.', 'pos', 'cost:+ effectiveness:+', 'comparison'),
        ("I was told the nausea would pass. It didn't. Eight weeks of being sick every morning before work.", 'neg', 'side_effects:-', ''),
        ('Levothyroxine 100mcg, taken on an empty stomach every morning for six years now.', 'neu', '', 'factual'),
        ("Honestly the first thing that's calmed my IBS down in ten years. Wish someone had suggested it sooner.", 'pos', 'effectiveness:+', ''),
        ('I am taking this medicine since 2 month for the anxiety. Is helping little bit but I have much sweating in the night, my wife also complain about it.', 'neu', 'effectiveness:+ side_effects:-', 'mixed non_native'),
        ("Started adalimumab for Crohn's after two years of steroids and azathioprine not really doing anything. The first three injections stung like mad and I had a red itchy patch at the site for days each time. By month three I was going to the toilet four times a day instead of fifteen, and I've been back at work full time since May. The catch: my plan only covers it through the specialty pharmacy and my share is still $600 a quarter even with the manufacturer's copay card. I budget for it the way other people budget for a car payment. Would I go back to how I was? Not for any money.", 'pos', 'effectiveness:+ side_effects:- cost:-', 'long mixed'),
        ("Ozempic: down 14kg since February. The constipation and the eggy burps are no joke though, and I'm paying out of pocket because my insurer won't touch it for weight loss. Would I do it again? Yes.", 'pos', 'effectiveness:+ side_effects:- cost:-', 'mixed'),
        ('Tried three different statins, all gave me muscle pain. This one is no different.', 'neg', 'side_effects:-', 'comparison'),
        ('Zero effect on my hay fever. Might as well have been eating Tic Tacs.', 'neg', 'effectiveness:-', ''),
        ('Does what it says. No fuss.', 'pos', 'effectiveness:+', ''),
        ("The patches kept peeling off in the shower, so half the time I wasn't getting any dose at all.", 'neg', 'effectiveness:-', 'implicit'),
        ("2/5. Works for the pain but leaves me so drowsy I can't drive, which kind of defeats the point when you commute.", 'neg', 'effectiveness:+ side_effects:-', 'mixed rating'),
        ("Couldn't afford it after my coverage changed in January, so I've been cutting the pills in half. Not ideal.", 'neg', 'cost:-', 'implicit'),
        ('My eczema cleared in a fortnight. A fortnight! After years of creams that did nothing.', 'pos', 'effectiveness:+', 'comparison'),
        ('Didnt sleep a wink the first week, heart racing, felt like id had ten coffees. stopped it', 'neg', 'side_effects:-', 'typo'),
        ("It was fine I guess. Not sure it's doing much, but not sure it isn't either.", 'neu', 'effectiveness:=', 'lukewarm'),
        ('Hair started coming out in clumps at month two. Nobody mentioned that was a possibility.', 'neg', 'side_effects:- communication:-', ''),
        ('Inhaler works in seconds. I used to be up half the night wheezing.', 'pos', 'effectiveness:+', 'implicit'),
        ('Paid $12 with a discount card instead of the $140 counter price. Same pills.', 'pos', 'cost:+', 'implicit'),
        ('Antibiotics cleared the infection in 5 days but wrecked my gut for weeks after.', 'neu', 'effectiveness:+ side_effects:-', 'mixed'),
        ("Prednisolone: moon face, ravenous, couldn't sleep, snapped at everyone. But I could finally breathe. Necessary evil.", 'neu', 'side_effects:- effectiveness:+', 'mixed'),
        ("Day 4, too soon to say whether it's working.", 'neu', 'effectiveness:=', 'lukewarm'),
        ('If I could give zero stars I would. Three weeks of vomiting and I still have the infection.', 'neg', 'side_effects:- effectiveness:-', ''),
        ('The price went from $35 to $310 overnight because it got moved to a different tier. Same drug, same pharmacy.', 'neg', 'cost:-', 'implicit'),
        ('Much better than the citalopram I was on before. No sexual side effects this time and my mood is steadier.', 'pos', 'side_effects:+ effectiveness:+', 'comparison'),
        ('Works, but it tastes absolutely vile and my 4 year old screams every time the syringe comes out.', 'neu', 'effectiveness:+', 'mixed'),
        ("Ten years on warfarin with regular INR checks. Never had a bleed, never had a clot. Can't ask more of a tablet than that.", 'pos', 'effectiveness:+ side_effects:+', 'implicit'),
        ('Took one tablet. Face swelled up like a balloon and I ended up in A&E. Allergic, apparently.', 'neg', 'side_effects:-', 'implicit'),
        ('My insurance denied it twice, the prior auth took six weeks, and when I finally got it the copay was $90. It does work though.', 'neu', 'cost:- effectiveness:+', 'mixed'),
        ('Gabapentin for nerve pain. Took the edge off for a few weeks and then nothing, even at 900mg a day. Felt permanently drunk too.', 'neg', 'effectiveness:- side_effects:-', ''),
        ('The liquid version is so much easier for my dad to swallow than the huge tablets, and it seems to be keeping his seizures away.', 'pos', 'effectiveness:+', ''),
        ('Six weeks on it and my skin looks exactly the same.', 'neg', 'effectiveness:-', 'implicit'),
        ('Have to take it three times a day and I always forget the lunchtime one. A once-a-day version would make life a lot easier.', 'neg', '', 'implicit'),
        ("Switched from the brand to the generic in April because the insurer made me. Haven't noticed any difference either way.", 'neu', 'effectiveness:=', 'factual comparison'),
        ('Take one in the morning with breakfast. Comes in a blister pack of 28.', 'neu', '', 'factual'),
        ('Helps a bit with the pain. Makes me a bit sleepy. Swings and roundabouts.', 'neu', 'effectiveness:+ side_effects:-', 'mixed lukewarm'),
        ('Three months in. Some improvement in the morning stiffness, still getting flares. Will see what the specialist says in January.', 'neu', 'effectiveness:=', ''),
        ("Great stuff, I'm not depressed any more, I'm just too numb to care about anything. Progress!", 'neg', 'side_effects:-', 'sarcasm'),
        ("Venlafaxine worked for my depression, I won't deny that. Within six weeks I was functioning again. What nobody told me was how hard it would be to come off. Missing a dose by a few hours gave me brain zaps and vertigo, and tapering took nine months of opening capsules and counting beads because the lowest dose is still too high. My GP at the time said withdrawal 'wasn't really a thing' with it. If you're starting it, ask about the exit plan before you start. I wish I had.", 'neg', 'effectiveness:+ side_effects:- communication:-', 'long mixed'),
        ('No side effects at all apart from a metallic taste for the first couple of days. Sinuses clear for the first time since October.', 'pos', 'side_effects:+ effectiveness:+', ''),
        ('Never had so much as a headache on it in three years.', 'pos', 'side_effects:+', 'implicit negation'),
        ("Cheaper than my old one and I don't get the ankle swelling any more, but it doesn't control my BP as well. GP's thinking about adding something.", 'neu', 'cost:+ side_effects:+ effectiveness:-', 'mixed comparison'),
        ('1/5 migraines worse, not better', 'neg', 'effectiveness:-', 'rating'),
        ('Been on the pill for 3 years with no problems whatsoever, periods lighter and regular.', 'pos', 'side_effects:+ effectiveness:+', ''),
        ("Mounjaro costs me £180 a month privately. It works, I've lost 11kg, but I genuinely don't know how long I can keep paying that.", 'neu', 'cost:- effectiveness:+', 'mixed'),
        ('Dose went from 20 to 40 and the nightmares started the same week. Vivid, horrible ones.', 'neg', 'side_effects:-', ''),
        ('Melatonin did absolutely nothing except give me a weird head in the morning.', 'neg', 'effectiveness:- side_effects:-', ''),
        ('the cream burns like hell for 10 min after putting it on but the psoriasis is nearly gone so im not complaining', 'pos', 'side_effects:- effectiveness:+', 'mixed typo'),
        ('No side effects so far, but no real change in my mood either. Week five.', 'neu', 'side_effects:+ effectiveness:-', 'mixed lukewarm'),
        ('Took it for two weeks for a chest infection as prescribed and finished the course.', 'neu', '', 'factual'),
        ('Switched to the slow-release version and the stomach cramps have gone completely. Same price.', 'pos', 'side_effects:+ cost:=', 'comparison'),
    ],
    'hospital': [
        ("Had my gallbladder out in October. The surgeon came round the night before and drew me a little diagram of what they'd do. Nurses on ward 12 were lovely even at 3am when I kept pressing the buzzer. Home the next day.", 'pos', 'communication:+ staff:+', ''),
        ('Ward was filthy. The bin next to my bed overflowed for two days and nobody emptied it.', 'neg', 'cleanliness:-', ''),
        ('Food was cold, my bed was broken, but the nurses were angels.', 'neu', 'facilities:- staff:+', 'mixed'),
        ('Fantastic to be woken at 5am for obs, again at 6 for bloods, then again at 7 because the man opposite wanted his telly on full blast. Really restful stay.', 'neg', 'facilities:-', 'sarcasm'),
        ('Seen on time for my MRI, in and out in 40 minutes. The radiographer warned me about every noise before it happened.', 'pos', 'wait_time:+ communication:+', ''),
        ('My mum pressed her call bell for over an hour last night. Nobody came.', 'neg', 'staff:-', 'implicit'),
        ('Discharged with no letter, no explanation of the new meds, and nobody has rung since.', 'neg', 'communication:-', ''),
        ("My dad is dying and I'm feeding the car park machine £4.50 an hour to sit with him.", 'neg', 'cost:-', 'implicit'),
        ('Modern building, lots of natural light, private rooms with their own shower. Felt more like a hotel than the old site did.', 'pos', 'facilities:+', 'comparison'),
        ("Operation was a success and the scar is tiny. Food was awful, but who cares, I'm walking again.", 'pos', 'effectiveness:+ facilities:-', 'mixed'),
        ('Nil by mouth from midnight, surgery cancelled at 4pm, sent home. Twice.', 'neg', 'appointment_access:-', 'implicit'),
        ("Had my left hip replaced in August after fourteen months on the waiting list, by which point I was on two sticks and barely sleeping. Once I was actually in, it was a different story. The anaesthetist came to see me beforehand and went through the spinal and sedation options properly, and the surgeon drew on my leg and told me exactly what he'd do. Ward staff were busy but never short with me. Physio had me up on a frame that same evening. The only real gripe is discharge: I was told I could go at 10am and left at 5 because pharmacy hadn't done my take-home meds. Three months on I'm walking the dog without sticks. Would go back there tomorrow.", 'pos', 'appointment_access:- communication:+ staff:+ wait_time:- effectiveness:+', 'long mixed'),
        ("The bathroom in our bay wasn't cleaned all weekend, we ended up using the one on the next ward.", 'neg', 'cleanliness:-', 'implicit'),
        ("Nurses were rushed off their feet but still found time to make my nan a cup of tea and sit with her. Can't praise them enough.", 'pos', 'staff:+', ''),
        ("The consultant talked to my husband the whole time as if I wasn't in the room. It's my cancer.", 'neg', 'staff:- communication:-', ''),
        ('Biopsy results letter took seven weeks to arrive.', 'neg', 'wait_time:-', 'implicit'),
        ('Day case procedure. Admitted 7:30am, discharged 2pm.', 'neu', '', 'factual'),
        ('Was it the best hospital experience of my life? No. Was it terrible? Also no. Middle of the road.', 'neu', '', 'lukewarm'),
        ("Children's ward has a playroom, a PlayStation and the play specialists are wonderful. My son didn't want to leave!", 'pos', 'facilities:+ staff:+', ''),
        ('The chairs for parents staying overnight are torture. Four nights on a plastic recliner.', 'neg', 'facilities:-', ''),
        ("Got a $3,200 bill for a 'facility fee' on top of the doctor's bill. Nobody mentioned that at check-in.", 'neg', 'cost:- communication:-', ''),
        ('Everything about my stay was excellent apart from discharge, which took all day because they were waiting on pharmacy to do my meds.', 'pos', 'wait_time:-', 'mixed'),
        ('My father was in this hospital 10 days. Doctors very good, explain everything to us with patience even my english is not so good. Thank you to all.', 'pos', 'staff:+ communication:+', 'non_native'),
        ('No wifi, no signal, and the TV is £10 a day. Long week.', 'neg', 'facilities:- cost:-', 'implicit'),
        ('Outpatient clinic. Sat there 2hrs 20 past my appointment time, then 6 minutes with the registrar.', 'neg', 'wait_time:-', 'implicit'),
        ('The cleaners on ward 4 deserve a medal, that place sparkled.', 'pos', 'cleanliness:+', ''),
        ('Hospital at home team came out twice a day for my IV antibiotics. Saved me two weeks on a ward.', 'pos', '', 'implicit'),
        ('Stayed three nights on the cardiac ward after a stent. Discharged on aspirin and clopidogrel with a cardiac rehab referral.', 'neu', '', 'factual'),
        ('The food was surprisingly decent, the toilets less so.', 'neu', 'facilities:+ cleanliness:-', 'mixed'),
        ('Pre-op assessment took three hours, most of it sitting around between tests. Nurses were nice enough.', 'neu', 'wait_time:- staff:+', 'mixed'),
        ('Thank you to the consultant who spent our entire ten minute appointment typing. Truly a meeting of minds.', 'neg', 'staff:- communication:-', 'sarcasm'),
        ("4/5, would be 5 if the car park wasn't a nightmare. Drove round for 25 minutes looking for a space.", 'pos', 'facilities:-', 'mixed rating'),
        ('No reaction to the anaesthetic this time, unlike last time when I was sick for a whole day afterwards.', 'pos', 'side_effects:+', 'comparison'),
        ("Formal complaint went in this morning. We'll see if anyone bothers to reply.", 'neg', '', 'implicit'),
        ("I wouldn't say the staff were unfriendly, just very busy.", 'neu', 'staff:=', 'negation lukewarm'),
        ('Scan was on time, the sonographer was chatty and kind, and I got the results the same week. Smooth from start to finish.', 'pos', 'wait_time:+ staff:+', ''),
        ('ward was freezing at night and they only had one blanket per bed, had to get my daughter to bring a duvet in', 'neg', 'facilities:-', 'typo'),
        ("Medications were given late every single evening, sometimes by two hours. My dad is Parkinson's, timing matters.", 'neg', 'staff:-', 'implicit'),
        ('Pre-op nurse rang the day before to go over fasting and what to bring. Made the whole thing much less scary.', 'pos', 'communication:+', ''),
        ("Ward was spotless, I'll give them that, but I still don't know why I was kept in a third night.", 'neu', 'cleanliness:+ communication:-', 'mixed'),
        ("Clean, quiet ward, and the night staff kept the lights low. Best sleep I've had in a hospital.", 'pos', 'cleanliness:+ facilities:+ staff:+', 'comparison'),
    ],
    'ae': [
        ('Broken wrist, nine hours in A&E, and the actual x-ray took five minutes of that.', 'neg', 'wait_time:-', ''),
        ('Seen by triage within 10 minutes, X-ray within the hour, plastered and home by midnight. The NHS at its best.', 'pos', 'wait_time:+', ''),
        ('Took my 2 year old in with a temperature of 40. The triage nurse was brilliant with her and the doctor explained exactly what to watch for overnight.', 'pos', 'staff:+ communication:+', ''),
        ("Eleven hours on a trolley parked outside resus. The staff couldn't have done more, there's simply nowhere to put people.", 'neg', 'facilities:- staff:+', 'mixed'),
        ('Toilets in the waiting area were out of order and the only one that worked had no soap.', 'neg', 'facilities:- cleanliness:-', ''),
        ('The receptionist repeated my symptoms back to me loud enough for the whole waiting room to hear.', 'neg', 'staff:-', 'implicit'),
        ('Urgent care was quick, $150 copay though, which is steep for 15 minutes and a prescription.', 'neu', 'wait_time:+ cost:-', 'mixed'),
        ('Four hours to be seen, which honestly for a Saturday night I expected worse. Doctor was thorough and kind.', 'pos', 'wait_time:= staff:+', ''),
        ("Sent home with 'probably a sprain'. It was broken. Found out ten days later at fracture clinic.", 'neg', 'staff:-', 'implicit'),
        ('Ambulance took three hours to come for my 84 year old mum after her fall. The paramedics were fantastic when they did arrive.', 'neu', 'wait_time:- staff:+', 'mixed'),
        ('Blood on the chair I was told to sit in. Had to ask for a wipe.', 'neg', 'cleanliness:-', 'implicit'),
        ('A&E was rammed, no seats left, people sitting on the floor, and nobody told us how long it would be.', 'neg', 'facilities:- communication:-', ''),
        ("In and out of the minor injuries unit in 50 minutes. Nurse practitioner glued my head, gave me a leaflet and a lolly (I'm 34).", 'pos', 'wait_time:+ staff:+', ''),
        ('Arrived at A&E 02:10, triaged 02:35, seen by a doctor at 05:50, discharged 06:30.', 'neu', 'wait_time:=', 'factual'),
        ('Watched the locum type my symptoms into a search engine and read the top result out to me. Not filling me with confidence.', 'neg', 'staff:-', ''),
        ('Loved the part where they lost my bloods and had to take them again at 4am. Ten out of ten, would bleed again.', 'neg', 'staff:-', 'sarcasm'),
        ("Took my husband in with chest pain at about 9pm. To be fair, they took it seriously straight away: ECG within ten minutes of walking in, bloods taken, a doctor saw him within the hour. Then we waited. And waited. Nobody could tell us whether he was being admitted or what the bloods showed, and every time I asked I got a different answer. At 4am a different doctor said it was probably muscular and we could go home. I'm glad it wasn't his heart, but seven hours in plastic chairs with no updates is hard going for a 71 year old.", 'neg', 'staff:+ wait_time:- communication:- facilities:-', 'long mixed'),
        ('Five hours. Not great, not terrible for a Friday night. Seen, stitched, home.', 'neu', 'wait_time:=', 'lukewarm'),
        ('Came in by ambulance at 11pm, CT scan at 1am, admitted to the stroke unit by 4.', 'neu', '', 'factual'),
        ('Bring a packed lunch.', 'neg', 'wait_time:-', 'implicit'),
        ('Paediatric A&E is separate from the adult one, which with a frightened 6 year old made all the difference. Bright, calm, cartoons on.', 'pos', 'facilities:+', ''),
        ('ER doc was great but I got billed $2,100 for stitches. For stitches!', 'neg', 'staff:+ cost:-', 'mixed'),
        ('waited 6 hrs wiht a 3 yr old with a head injury not one person came to check on him', 'neg', 'wait_time:- staff:-', 'typo'),
        ('The department was clean and calm when we went in at 7am. Three hour wait, which seems to be normal now.', 'neu', 'cleanliness:+ wait_time:-', 'mixed'),
    ],
    'gp': [
        ("Tried the online form instead of the phone this time. The form closes when it's full. It was full at 8:04.", 'neg', 'appointment_access:-', 'implicit'),
        ('Dr Okafor is the first GP who has actually looked at my whole history instead of just the one thing I came in with.', 'pos', 'communication:+', 'comparison'),
        ("Receptionist made me explain my problem at the front desk with a queue behind me, then decided it 'didn't sound urgent'.", 'neg', 'staff:-', ''),
        ('Got a same-day appointment, but the GP was running 40 minutes late.', 'neu', 'appointment_access:+ wait_time:-', 'mixed'),
        ("Asked about my medication review three times now. Still haven't been called back.", 'neg', 'communication:-', ''),
        ('The new online booking is actually quite good, booked a blood test for Thursday in about two minutes.', 'pos', 'appointment_access:+', ''),
        ('Left feeling like I was wasting her time. Ten minutes, one problem only, out.', 'neg', 'staff:-', 'implicit'),
        ('No complaints. Saw the nurse for my smear and she was gentle and quick.', 'pos', 'staff:+', 'negation'),
        ('The surgery smells of damp and the carpet in the waiting room is older than me.', 'neg', 'cleanliness:- facilities:-', ''),
        ('Switched to this primary care office when my old doctor retired. The first new-patient appointment they could offer was four months out, which is absurd, but I took it. Dr. Lin was worth the wait honestly. She spent close to 45 minutes with me, went through every medication, asked about my sleep and my mood and actually wrote things down. Then the bill came. My annual physical is supposed to be covered at 100%, but because I mentioned my knee, part of the visit was coded as diagnostic and I owed $212. Great doctor, broken system.', 'neu', 'appointment_access:- staff:+ communication:+ cost:-', 'long mixed'),
        ('Ten minute slot, got a prescription, went home. Standard.', 'neu', '', 'lukewarm'),
        ("Been with this practice 25 years. Used to see the same doctor every time. Now it's a different locum every visit and I have to explain everything from scratch.", 'neg', 'communication:-', 'implicit comparison'),
        ("I'll be registering with the practice in town. Third time my repeat prescription has been 'lost'.", 'neg', 'staff:-', 'implicit'),
        ("Dr Hughes phoned me himself on a Friday evening with my blood results so I wouldn't worry over the weekend.", 'pos', 'communication:+', 'implicit'),
        ('gp was rude as anythin, didnt even look up from the computer, 2 mins and i was out the door with no answers', 'neg', 'staff:- communication:-', 'typo'),
        ('The practice nurse who does my diabetic reviews is worth her weight in gold.', 'pos', 'staff:+', ''),
        ("Referral to dermatology sent in March. It's November.", 'neg', 'appointment_access:-', 'implicit'),
        ('They moved to the new health centre in the summer, loads of parking, automatic doors, much easier with my walker.', 'pos', 'facilities:+', 'comparison'),
        ('Not once has anyone at this surgery been anything other than kind to my son, who is autistic and finds appointments really hard.', 'pos', 'staff:+', 'negation'),
        ('Doctor not listen me, only say take paracetamol and go home. Three times I come with same pain.', 'neg', 'communication:- staff:-', 'non_native'),
        ('Average GP. Gets the job done, nothing special.', 'neu', '', 'lukewarm'),
        ('Waited three weeks for a routine appointment, which is annoying but apparently normal now.', 'neg', 'appointment_access:-', ''),
        ('Had my flu jab at the Saturday clinic. Took five minutes, and lovely volunteers directing everyone.', 'pos', 'wait_time:+ staff:+', ''),
        ("GP referred me straight onto the two-week cancer pathway without any fuss. It turned out to be nothing, but I'm grateful she didn't brush it off.", 'pos', 'appointment_access:+ staff:+', ''),
        ("Booked a phone appointment for 'between 8 and 6'. The call came at 5:52 while I was driving. Missed it. Back of the queue.", 'neg', 'appointment_access:-', 'implicit'),
        ("Prescribed antibiotics for what the second doctor said was viral. The first one hadn't even listened to my chest.", 'neg', 'staff:-', 'implicit comparison'),
        ('Registered with the practice last month, new patient check with the HCA on the 14th.', 'neu', '', 'factual'),
        ("The receptionists get a lot of stick online but honestly they've always been helpful to me.", 'pos', 'staff:+', ''),
        ("Went in about my knee, came out with a physio referral and a printout of exercises. Knee's already better.", 'pos', 'appointment_access:+ effectiveness:+', ''),
        ("Doctor was nice enough, but I'm still no closer to knowing what's causing the headaches. Fourth visit.", 'neg', 'staff:+ effectiveness:-', 'mixed'),
        ("Love how the answerphone tells me to 'use the online service', which has been switched off for three weeks.", 'neg', 'appointment_access:-', 'sarcasm'),
        ('The practice has switched to a system where you fill in a form online and a clinician decides whether you need to be seen.', 'neu', 'appointment_access:=', 'factual'),
        ('The new GP is young and seems keen. Early days.', 'neu', 'staff:+', 'lukewarm'),
        ('Blood test on Tuesday, results usually take three to five working days, they said.', 'neu', 'wait_time:=', 'factual'),
        ('1/5. Cancelled on me twice, no apology either time.', 'neg', 'appointment_access:- staff:-', 'rating'),
        ('5/5 the practice nurse is a gem', 'pos', 'staff:+', 'rating'),
        ('Been going to Dr Shah for 20 years and I drive 40 minutes, past three other practices, to see her.', 'pos', '', 'implicit'),
        ("Not the worst GP I've had. Not the best either.", 'neu', 'staff:=', 'lukewarm negation comparison'),
        ("I appreciate it's not their fault there aren't enough doctors, but a five week wait to see anyone is not a service.", 'neg', 'appointment_access:-', ''),
        ("She actually listened. Didn't rush me, didn't interrupt, asked what I thought was going on. Rare these days.", 'pos', 'communication:+', ''),
        ("Clinic room was spotless and they'd put in new chairs since my last visit.", 'pos', 'cleanliness:+ facilities:+', ''),
        ('Medication review done over the phone in ten minutes. No changes.', 'neu', '', 'factual'),
        ("Got an appointment easily enough. The doctor just didn't seem very interested.", 'neu', 'appointment_access:+ staff:-', 'mixed'),
    ],
    'pharmacy': [
        ('Prescription ready when the app said it would be, in and out in two minutes.', 'pos', 'wait_time:+', ''),
        ("Third week running they've not had my HRT in. Told to 'try Boots'.", 'neg', '', 'implicit'),
        ('Pharmacist spotted that my new antibiotic clashes with my statin and rang the GP for me. Could have been nasty.', 'pos', 'staff:+', 'implicit'),
        ('Queue out the door every time, one pharmacist and one very stressed girl on the till.', 'neg', 'wait_time:-', ''),
        ("Handed me a bag with a stranger's name and address on it. Only noticed when I got back to the car.", 'neg', 'staff:-', 'implicit'),
        ("Five regular items at nearly a tenner each, every month, because I'm 58 and not 60 yet.", 'neg', 'cost:-', 'implicit'),
        ('The prepayment certificate has saved me a fortune this year. The pharmacist was the one who told me about it.', 'pos', 'cost:+ communication:+', ''),
        ('Friendly staff, clean shop, short queue. What more do you want.', 'pos', 'staff:+ cleanliness:+ wait_time:+', ''),
        ("Great to know my prescription needs '3 to 5 working days' to get from a shelf into a paper bag.", 'neg', 'wait_time:-', 'sarcasm'),
        ('CVS charged me $60 for the same antibiotic Walmart sells for $4.', 'neg', 'cost:-', 'comparison'),
        ("The pharmacy technician took ages going through how to use my new inhaler properly. Turns out I'd been doing it wrong for two years.", 'pos', 'communication:+', ''),
        ('Rang six times to check if my meds were ready. Nobody picked up once.', 'neg', 'appointment_access:-', 'implicit'),
        ('Switched to the independent chemist by the station. They know my name and my meds are always ready when I get there.', 'pos', 'staff:+ wait_time:+', 'comparison implicit'),
        ('The consultation room is basically a cupboard with a curtain. Everyone in the queue could hear me talk about my piles.', 'neg', 'facilities:-', ''),
        ('Online pharmacy, tracked delivery, arrived next day and cheaper than my local. Sorted.', 'pos', 'cost:+ wait_time:+', 'comparison'),
        ('Fine. Got my tablets. Nothing to report.', 'neu', '', 'lukewarm'),
        ('Pharmacist took me into the private room to talk about the morning after pill, no judgement at all. Really appreciated it.', 'pos', 'staff:+', ''),
        ('Asked a simple question about whether I could have a drink on these tablets and got a lecture about my lifestyle.', 'neg', 'staff:-', ''),
        ('Collected my repeat, 3 items, about a 10 minute wait.', 'neu', 'wait_time:=', 'factual'),
        ('They used to shut at 5:30, which was useless if you work. The new late opening till 8 is a godsend.', 'pos', 'appointment_access:+', 'comparison'),
        ('Very helpful pharmacist, he speak Polish also so he explain my mother everything about her tablets.', 'pos', 'staff:+ communication:+', 'non_native'),
        ('They swapped my usual brand for a different one without saying anything, and the new one gives me headaches.', 'neg', 'communication:- side_effects:-', ''),
        ("Usually fine here, but today the guy on the counter couldn't have cared less, on his phone the whole time I was waiting.", 'neg', 'staff:-', 'mixed'),
        ("I've used the same little pharmacy on Mill Road for eight years and I can't say enough about it. When my wife was on palliative care they got her syringe driver drugs in the same afternoon, twice, when the big chain in town said three days. The pharmacist, Raj, once dropped a prescription round to our house on his way home. They're not the cheapest for over-the-counter stuff and the shop is cramped, you can barely turn round with a pushchair. None of that matters to me.", 'pos', 'wait_time:+ staff:+ cost:- facilities:-', 'long mixed comparison'),
        ('3rd time this month the app says ready and its not ready when i get there absolute joke', 'neg', 'wait_time:-', 'typo'),
        ('gd service quick friendly 5 stars', 'pos', 'wait_time:+ staff:+', 'typo rating'),
        ("They've started texting when your prescription is ready to collect.", 'neu', 'communication:=', 'factual'),
        ('Staff pleasant enough, queue usually long. Depends what you value I suppose.', 'neu', 'staff:+ wait_time:-', 'mixed lukewarm'),
        ('Had my flu jab here, £16.99, took ten minutes.', 'neu', 'cost:= wait_time:=', 'factual'),
        ('Floor sticky, shelves dusty, and a fridge with a broken door. Not where I want my insulin stored.', 'neg', 'cleanliness:- facilities:-', ''),
        ('The pharmacy has moved from the high street to the retail park.', 'neu', '', 'factual'),
    ],
    'dental': [
        ("Didn't feel a thing. The dentist chatted to me the whole way through so I forgot to be scared.", 'pos', 'staff:+', ''),
        ('£280 for a filling. Private only, no NHS places anywhere within 20 miles.', 'neg', 'cost:- appointment_access:-', ''),
        ('Hygienist was rough and kept telling me off for not flossing. My gums bled for two days after.', 'neg', 'staff:-', ''),
        ('Crown came off after three weeks and they want to charge me again to refit it.', 'neg', 'effectiveness:- cost:-', ''),
        ('Spotless surgery, everyone masked and gloved. Really reassuring at a nervous time.', 'pos', 'cleanliness:+', ''),
        ("The waiting room has a fish tank and a little play corner, and the kids actually like coming here. Never thought I'd say that about a dentist.", 'pos', 'facilities:+', ''),
        ('Dentist went through all three options for my broken tooth and wrote down the price of each so I could think about it at home. No pressure at all.', 'pos', 'communication:+ cost:+', ''),
        ('Root canal over two visits. Tooth has been fine since, two years on.', 'pos', 'effectiveness:+', 'implicit'),
        ("Came for a check-up, left with a hard sell on whitening and a £65 'hygiene fee' that nobody mentioned when I booked.", 'neg', 'cost:- communication:-', ''),
        ('Kept waiting 45 minutes, seen for 8, charged for the full check-up.', 'neg', 'wait_time:- cost:-', 'implicit'),
        ("Emergency appointment the same morning I rang with my abscess. Can't thank them enough.", 'pos', 'appointment_access:+', ''),
        ("Really appreciated being told I needed 'at least' four fillings by a dentist who looked in my mouth for about 30 seconds. The second opinion said one.", 'neg', 'staff:-', 'sarcasm comparison'),
        ('Extraction went smoothly and the aftercare sheet answered everything I was worried about.', 'pos', 'effectiveness:+ communication:+', ''),
        ('New dentist is a million times better than my last one, who used to sigh every time I opened my mouth.', 'pos', 'staff:+', 'comparison'),
        ('They cancelled my appointment the day before. Again. Next slot is in nine weeks.', 'neg', 'appointment_access:-', ''),
        ('Braces for my daughter, 18 months start to finish. Her teeth look great and the orthodontist always ran on time.', 'pos', 'effectiveness:+ wait_time:+', ''),
        ("The chair is ancient and the light kept flickering, but Dr Patel is so gentle I really don't care.", 'pos', 'facilities:- staff:+', 'mixed'),
        ('Had my implant done here, $4,200, and my insurance paid $1,500 max. Looks completely natural, but ouch on the wallet.', 'neu', 'cost:- effectiveness:+', 'mixed'),
        ('The receptionist set up a payment plan for my treatment without me even asking. Made it actually doable.', 'pos', 'cost:+ staff:+', ''),
        ('filing fell out after a week, dentist said i must of bitten on something hard. i mostly eat soup', 'neg', 'effectiveness:- staff:-', 'typo sarcasm'),
        ("The toilet at the practice hadn't been cleaned in what looked like days, which makes you wonder about the rest of the place.", 'neg', 'cleanliness:-', 'implicit'),
        ('Check-up, no work needed, see you in six months.', 'neu', '', 'factual'),
        ('Dentist was fine. Bit quiet. Did what needed doing.', 'neu', 'staff:=', 'lukewarm'),
        ('Lovely hygienist, but £75 for 20 minutes is a lot.', 'neu', 'staff:+ cost:-', 'mixed'),
        ("I hadn't been to a dentist in eleven years because of a bad experience as a kid, and only booked because a molar cracked. I told the receptionist on the phone I was terrified and she put a note on my file without me having to ask twice. Dr Amadi let me sit in the chair upright first and talk, showed me every instrument and agreed a hand signal for stop. I used it three times and she stopped every time. Two fillings and a clean over three visits, and I've booked my six-month check. If you're scared, go here.", 'pos', 'staff:+ communication:+', 'long'),
        ('Went back to my old dentist. Thirty miles away.', 'neg', '', 'implicit comparison'),
        ("My daughter asks when she can go back and see 'the tooth lady'.", 'pos', 'staff:+', 'implicit'),
        ("Lip was numb for six hours after the injection, couldn't drink my tea. Filling is fine.", 'neu', 'side_effects:- effectiveness:+', 'mixed'),
        ('Price list is on the wall in reception. Band 2 is £75.30 at the moment.', 'neu', 'cost:=', 'factual'),
        ('Whitening cost me £350 and my teeth are maybe one shade lighter. Maybe.', 'neg', 'cost:- effectiveness:-', 'implicit'),
        ("Squeaky clean practice, and the hygienist didn't try to sell me a single thing.", 'pos', 'cleanliness:+ staff:+', 'negation'),
    ],
    'physio': [
        ('Six sessions and I can lift my arm above my head again. Physio was firm but encouraging.', 'pos', 'effectiveness:+ staff:+', ''),
        ('NHS waiting list for physio was 22 weeks, so I went private at £55 a session.', 'neg', 'appointment_access:- cost:=', 'implicit'),
        ("Got handed a sheet of exercises and sent off. Didn't feel like anyone actually looked at my back.", 'neg', 'staff:-', 'implicit'),
        ('The gym at the rehab unit is brilliant, proper equipment, parallel bars, the lot.', 'pos', 'facilities:+', ''),
        ('Back pain no better after eight weeks of exercises. Physio keeps saying give it time.', 'neg', 'effectiveness:-', ''),
        ("She explained exactly why my knee hurts going downstairs, with a plastic model of the joint. First time anyone's made it make sense.", 'pos', 'communication:+', ''),
        ('Sessions always started on time, never waited more than a couple of minutes.', 'pos', 'wait_time:+', 'negation'),
        ("It's ok. Some weeks I feel like it's helping, some weeks not.", 'neu', 'effectiveness:=', 'lukewarm'),
        ('The physio spent half my session on her phone messaging someone. I paid £60 for that.', 'neg', 'staff:- cost:-', ''),
        ("Online self-referral form, first appointment within a week. Easiest NHS thing I've ever done.", 'pos', 'appointment_access:+', ''),
        ('Hydrotherapy pool was freezing and the changing rooms smelled of mould.', 'neg', 'facilities:- cleanliness:-', ''),
        ('Very good physio, my shoulder is moving again after the operation. Only problem is parking, very hard to find space.', 'pos', 'effectiveness:+ staff:+ facilities:-', 'non_native mixed'),
        ("Exercises help while I'm doing them, then the pain comes back. Not sure yet.", 'neu', 'effectiveness:=', 'lukewarm'),
        ('First session was mostly assessment and questions, second one we started on the bike and some balance work.', 'neu', '', 'factual'),
        ("Three appointments cancelled by them in a row because of staff sickness. I've given up.", 'neg', 'appointment_access:-', ''),
        ("Physio is friendly, the exercises haven't done much yet. Four sessions in.", 'neu', 'staff:+ effectiveness:-', 'mixed'),
    ],
    'mental_health': [
        ("Fourteen months on the list for CBT. I'd long since paid to see someone privately by the time the letter arrived.", 'neg', 'appointment_access:-', 'implicit'),
        ("My therapist is the first person who's made me feel like I'm not broken. Six months in and I'm sleeping, eating, going out again.", 'pos', 'staff:+ effectiveness:+', ''),
        ('The crisis line put me on hold for 40 minutes. I was in crisis.', 'neg', 'wait_time:-', 'implicit'),
        ('Psychiatrist changed my meds three times in six weeks without once asking how the last one went.', 'neg', 'communication:-', ''),
        ("I was admitted to the acute ward in the spring after an overdose. Some of the nurses there were incredible - one sat with me at 3am for an hour just talking about football because I couldn't sleep. The ward itself is tired: a broken shower, a common room with one sofa and a TV bolted to the wall, windows that don't open. Nobody explained my medication changes until I'd asked twice. But I walked out of there alive and with a plan, and the community team have been good since. I'm glad it exists.", 'pos', 'staff:+ facilities:- communication:- effectiveness:+', 'long mixed'),
        ("Group sessions were ok. Bit awkward. Not sure it's for me.", 'neu', 'effectiveness:=', 'lukewarm'),
        ("Counsellor kept forgetting what I'd told her the week before, so I had to go over my trauma again every session.", 'neg', 'communication:-', ''),
        ('The online CBT course is free, you do it at your own pace, and honestly it taught me more than the six sessions I paid for.', 'pos', 'cost:+ effectiveness:+', 'comparison'),
        ('The community mental health team closed my case with a two-line letter. No phone call, no last appointment.', 'neg', 'communication:-', 'implicit'),
        ('My care coordinator rings to check in between appointments. Small thing but it means a lot.', 'pos', 'communication:+ staff:+', ''),
        ("The assessment room had a broken blind, a box of tissues, and a clock that ticked so loud I couldn't think.", 'neg', 'facilities:-', 'implicit'),
        ('Referred by my GP in January, assessed in April, started twelve sessions of CBT in June.', 'neu', '', 'factual'),
        ("First appointment with the psychologist today. She asked a lot about my childhood. We'll see.", 'neu', '', 'lukewarm'),
        ('Psych nurse was so dismissive, basically told me everyone gets a bit low in winter.', 'neg', 'staff:-', ''),
        ('The ADHD meds have changed my life, can finally finish a task. Appetite is gone though, I have to set reminders to eat.', 'pos', 'effectiveness:+ side_effects:-', 'mixed'),
    ],
    'care_home': [
        ("Mum's been at Rosewood for two years. The carers know her, know her jokes, know she likes her tea weak. Can't put a price on that.", 'pos', 'staff:+', 'implicit'),
        ('Her room smelled of urine every single time we visited.', 'neg', 'cleanliness:-', ''),
        ("£1,400 a week and they couldn't find her glasses for a fortnight.", 'neg', 'cost:- staff:-', 'implicit'),
        ('Lovely garden, bright lounge, a proper dining room with tablecloths. Dad likes it.', 'pos', 'facilities:+', ''),
        ("Manager never returns calls. We found out about Dad's fall from another resident's daughter.", 'neg', 'communication:-', ''),
        ("Always clean, always someone at the door to let you in, always a cup of tea offered. Nothing flashy, but it's home for Gran.", 'pos', 'cleanliness:+ staff:+', ''),
        ('Nice to see the activities programme is so varied: the telly on in the morning, and the telly on in the afternoon.', 'neg', 'staff:-', 'sarcasm'),
        ("Went in at lunchtime unannounced and found Dad's dinner untouched and cold on the tray. Nobody had helped him eat.", 'neg', 'staff:-', 'implicit'),
        ("Fees going up 11%, told by letter with two weeks' notice.", 'neg', 'cost:- communication:-', 'implicit'),
        ("We looked at six homes and this was the only one that didn't smell. The staff seemed happy too, which tells you a lot.", 'pos', 'cleanliness:+ staff:+', 'comparison'),
        ("It's fine. Not amazing. Mum doesn't complain, so I suppose that's something.", 'neu', '', 'lukewarm'),
        ("We moved Dad into Willow House after a hospital stay left him unable to manage stairs. I'll be honest, the first month was rocky and I spent a lot of time on the phone chasing things. But the manager, Sue, sat down with us after week three, owned every mistake and put a named carer on him. Since then it's been a different place. He's put weight back on, they've got him doing chair exercises, and when I visit he's usually in the lounge arguing about cricket. It is eye-wateringly expensive and the building is dated, but he's happy, and that was all we wanted.", 'pos', 'communication:+ staff:+ cost:- facilities:-', 'long mixed'),
        ('Visiting is 10 till 8, you sign in at the front desk.', 'neu', '', 'factual'),
        ("Food's good, activities are a bit thin on the ground. Mum seems happy enough.", 'neu', 'facilities:+', 'mixed lukewarm'),
        ('They kept calling me about every tiny thing at first, which I actually preferred to being kept in the dark like at her last place.', 'pos', 'communication:+', 'comparison'),
        ("Bright, clean rooms, but they're short-staffed at weekends and you can tell.", 'neu', 'cleanliness:+ staff:-', 'mixed'),
    ],
    'telehealth': [
        ('Video call with a GP within an hour of booking, prescription sent to my local pharmacy. Brilliant for a working mum.', 'pos', 'appointment_access:+ wait_time:+', ''),
        ('The app kept crashing mid-consultation. Third time, the doctor gave up and told me to go to my own GP.', 'neg', '', 'implicit'),
        ('$79 for a six minute video visit where he basically told me to rest and drink fluids.', 'neg', 'cost:-', 'implicit'),
        ('The doctor on the video call was patient and really listened, even though my connection was dreadful.', 'pos', 'staff:+ communication:+', ''),
        ('Sent my question through the portal at 9pm and had a reply from a nurse by 8 the next morning.', 'pos', 'communication:+', 'implicit'),
        ("Phone appointments are all my practice offers now. You can't diagnose a rash over the phone.", 'neg', 'appointment_access:-', ''),
        ('Online doctor asked four questions and issued a prescription. Nobody actually spoke to me. Not sure how I feel about that.', 'neu', 'communication:=', 'lukewarm'),
        ('Therapy over Zoom works surprisingly well for me. No travel, no sitting in a waiting room feeling anxious.', 'pos', 'effectiveness:+', ''),
        ('Sat in the virtual waiting room for 55 minutes, then got disconnected.', 'neg', 'wait_time:-', 'implicit'),
        ('Covered by my insurance with no copay for telehealth visits, which is honestly the only reason I use it.', 'neu', 'cost:+', 'mixed'),
        ('Ordered my repeat through the NHS app on Monday, ready at the chemist on Wednesday.', 'neu', '', 'factual'),
        ("Doctor on the video was good, but the interpreter never came, so my son had to translate for me about my women's problem. Very embarrassing.", 'neg', 'staff:+ communication:-', 'non_native mixed'),
        ('Nothing says personalised care like a chatbot asking me to rate my chest pain from one to ten, three times.', 'neg', '', 'sarcasm'),
        ('Follow-up was by phone instead of in clinic. Ten minutes, bloods all normal, next review in a year.', 'neu', '', 'factual'),
        ('Booked at 7am, seen at 7:20 from my own sofa. Never going back to sitting in a surgery.', 'pos', 'wait_time:+ appointment_access:+', 'comparison'),
        ('Video appointment was convenient. The doctor seemed to be reading from a script.', 'neu', 'appointment_access:+ staff:-', 'mixed'),
    ],
    'optician': [
        ('Eye test was thorough, the optometrist explained what the puff test was for and showed me photos of my retina.', 'pos', 'communication:+', ''),
        ('Glasses took five weeks to come in and were the wrong prescription when they did.', 'neg', 'wait_time:- staff:-', ''),
        ("Two pairs for £89 including the eye test. Can't argue with that.", 'pos', 'cost:+', ''),
        ("Pushy sales assistant tried to talk me into £300 designer frames after I'd said I wanted the cheap range.", 'neg', 'staff:-', ''),
        ('Optician spotted early signs of glaucoma and had me referred to the eye clinic within a fortnight. Probably saved my sight.', 'pos', 'staff:+ appointment_access:+', ''),
        ('New varifocals. Still getting used to them after three weeks, the stairs look tilted.', 'neu', 'effectiveness:-', 'lukewarm'),
        ('Lovely clean shop, frames nicely laid out, and no waiting for my appointment.', 'pos', 'cleanliness:+ facilities:+ wait_time:+', ''),
        ('Contact lens check, 20 minutes, all fine, see you next year.', 'neu', '', 'factual'),
        ("The eye test itself was fine. The £25 'retinal scan' they pushed on me, less so.", 'neu', 'cost:-', 'mixed'),
        ('New glasses fit perfectly and I can read the bus numbers again.', 'pos', 'effectiveness:+', ''),
        ('Annual eye test. Prescription changed slightly in the left eye.', 'neu', '', 'factual'),
        ("Sat in that tiny box of a room while she tutted at my old glasses. Won't be rushing back.", 'neg', 'facilities:- staff:-', 'implicit'),
        ('Clean, bright shop, and the lady who fitted my frames took real care over it.', 'pos', 'cleanliness:+ staff:+', ''),
    ],
    'maternity': [
        ("The midwife at my booking appointment was so warm and reassuring, and I'd been dreading it.", 'pos', 'staff:+', ''),
        ("Left alone on the postnatal ward for hours with a newborn after a c-section. Couldn't lift him, buzzer ignored.", 'neg', 'staff:-', ''),
        ('Birth centre rooms have pools, dim lights and a double bed for your partner. Felt nothing like a hospital.', 'pos', 'facilities:+', ''),
        ('Nobody told me my baby had been taken to NICU until my husband came back and told me himself.', 'neg', 'communication:-', ''),
        ("My induction was delayed two days because the labour ward was full, which meant sitting on the antenatal ward being told 'maybe tonight' every few hours. That part was miserable. Once I got to delivery, though, I had a midwife called Grace who I will never forget. She explained every option before I had to decide, stayed past the end of her shift so I wouldn't have to meet someone new while pushing, and made my husband feel useful rather than in the way. The postnatal ward bathrooms were grim, bins overflowing and a used pad on the floor of one cubicle on day two. Overall? I'd still choose to have my second baby there, and I'll ask for Grace by name.", 'pos', 'wait_time:- staff:+ communication:+ cleanliness:-', 'long mixed'),
        ('Antenatal clinic always runs about an hour behind. Bring a book.', 'neg', 'wait_time:-', 'implicit'),
        ('Health visitor came at day 10, weighed her, answered all my questions and left me her number. Exactly what I needed.', 'pos', 'communication:+', ''),
        ('Postnatal bathroom had blood on the floor the whole three days I was there.', 'neg', 'cleanliness:-', 'implicit'),
        ("My 20 week scan was moved three times by the hospital, each time with a day's notice.", 'neg', 'appointment_access:-', 'implicit'),
        ('Had both my kids here, six years apart. Second time round was calmer, better organised, and even the food had improved.', 'pos', 'facilities:+', 'comparison'),
        ('Induced at 39 weeks for high blood pressure, baby born 30 hours later.', 'neu', '', 'factual'),
        ('Midwives were lovely; the labour room was tiny and boiling hot.', 'neu', 'staff:+ facilities:-', 'mixed'),
        ('Consultant-led unit, anaesthetist on site 24 hours, two birthing pools.', 'neu', 'facilities:=', 'factual'),
        ('the epidural worked a treat, didnt feel any contractions after, but i was itchy all over for hours', 'neu', 'effectiveness:+ side_effects:-', 'typo mixed'),
    ],
}


def parse_aspects(spec: str) -> dict[str, str]:
    """'staff:+ cost:-' -> {'staff': 'positive', 'cost': 'negative'}; order kept as written."""
    out: dict[str, str] = {}
    for item in spec.split():
        name, sign = item.split(":")
        if name not in ASPECTS or sign not in POLARITY or name in out:
            raise ValueError(f"bad aspect spec {item!r} in {spec!r}")
        out[name] = POLARITY[sign]
    return out


def build_rows() -> list[dict]:
    """All reviews in file order, ids r3-001 ..., each its own group."""
    rows: list[dict] = []
    for setting, reviews in REVIEWS.items():
        if setting not in SETTINGS:
            raise ValueError(f"unknown setting {setting}")
        for text, overall, aspects, tags in reviews:
            rid = f"r3-{len(rows) + 1:03d}"
            tag_list = tags.split()
            if any(t not in TAGS for t in tag_list):
                raise ValueError(f"unknown tag in {rid}: {tags}")
            rows.append({"id": rid, "group": rid, "setting": setting, "text": text,
                         "overall": OVERALL[overall], "aspects": parse_aspects(aspects), "tags": tag_list})
    return rows


def is_test(group: str) -> bool:
    """The one split: odd sha256 of the salted group -> test."""
    return int(hashlib.sha256((SALT + group).encode("utf-8")).hexdigest(), 16) % 2 == 1


def check(rows: list[dict]) -> None:
    """Aspect names match the taxonomy file and no text appears twice (case/whitespace-normalised)."""
    names = set(re.findall(r"^\s*- name:\s*(\w+)", TAXONOMY.read_text(encoding="utf-8"), flags=re.M))
    if names != set(ASPECTS):
        raise ValueError(f"taxonomy aspects changed: {sorted(names)}")
    seen: dict[str, str] = {}
    for row in rows:
        key = " ".join(row["text"].lower().split())
        if key in seen:
            raise ValueError(f"duplicate text: {seen[key]} and {row['id']}")
        seen[key] = row["id"]


def write(rows: list[dict]) -> dict[str, list[dict]]:
    parts: dict[str, list[dict]] = {"dev": [], "test": []}
    for row in rows:
        parts["test" if is_test(row["group"]) else "dev"].append(row)
    for name, part in parts.items():
        lines = "".join(json.dumps(r) + "\n" for r in part)
        (HERE / f"fresh3_{name}.jsonl").write_text(lines, encoding="utf-8", newline="\n")
    return parts


def report(parts: dict[str, list[dict]]) -> None:
    print("split sizes:", {k: len(v) for k, v in parts.items()})
    print(f"{'setting':<14} " + " ".join(f"{s + ':' + o[:3]:>8}" for s in parts for o in ("negative", "neutral", "positive")))
    for setting in SETTINGS:
        cells = [sum(1 for r in parts[s] if r["setting"] == setting and r["overall"] == o)
                 for s in parts for o in ("negative", "neutral", "positive")]
        print(f"{setting:<14} " + " ".join(f"{c:>8}" for c in cells))
    every = parts["dev"] + parts["test"]
    print("overall:", dict(collections.Counter(r["overall"] for r in every)))
    print(f"{'aspect':<20} {'pos':>4} {'neg':>4} {'neu':>4}   (dev / test labels)")
    for a in ASPECTS:
        c = collections.Counter(r["aspects"][a] for r in every if a in r["aspects"])
        d = sum(1 for r in parts["dev"] if a in r["aspects"])
        t = sum(1 for r in parts["test"] if a in r["aspects"])
        print(f"{a:<20} {c['positive']:>4} {c['negative']:>4} {c['neutral']:>4}   {d} / {t}")
    print("tags:", dict(collections.Counter(t for r in every for t in r["tags"]).most_common()))
    print("aspect labels:", sum(len(r["aspects"]) for r in every))


def main() -> None:
    rows = build_rows()
    check(rows)
    report(write(rows))


if __name__ == "__main__":
    main()
